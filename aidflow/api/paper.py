"""The printed forms of a case over the API: the same service, scope and audit as the web's."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly
from aidflow.archive.dossier import dossier_filename, dossier_pdf
from aidflow.core.downloads import attachment_bytes
from aidflow.notices.application_form import application_form_filename, application_form_pdf
from aidflow.notices.receipt import receipt_filename, receipt_pdf


@extend_schema(
    tags=["applications"],
    summary="The application's 申请审批表 as a PDF (A4), rendered now from the case; recorded as a read",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404]},
)
class ApplicationFormApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        application, data = application_form_pdf(user=request.user, pk=pk)
        return attachment_bytes(data, filename=application_form_filename(application), content_type="application/pdf")


@extend_schema(
    tags=["applications"],
    summary="The filing receipt (受理回执) with the number and the status code, as a PDF (A4); recorded as a read",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404]},
)
class ReceiptApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        application, data = receipt_pdf(user=request.user, pk=pk)
        return attachment_bytes(data, filename=receipt_filename(application), content_type="application/pdf")


@extend_schema(
    tags=["applications"],
    summary="The case's dossier (案卷) for the archive as one PDF/A: the form, the home-visit record, every notice, "
    "the payment, the documents and the audit history; recorded as a read",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404]},
)
class DossierApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        application, data = dossier_pdf(user=request.user, pk=pk)
        return attachment_bytes(data, filename=dossier_filename(application), content_type="application/pdf")
