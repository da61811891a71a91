"""Notice screens: the public verification page, the permission-checked PDF download, and the printed forms."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from aidflow.cases.choices import NoticeKind
from aidflow.core.clients import client_ip, window_count
from aidflow.core.downloads import attachment, attachment_bytes
from aidflow.core.errors import NotFound
from aidflow.notices.application_form import application_form_filename, application_form_pdf
from aidflow.notices.receipt import receipt_filename, receipt_pdf
from aidflow.notices.services import notice_filename, notice_open, notice_verification
from aidflow.notices.survey_form import survey_form_filename, survey_form_pdf

VERIFY_LIMIT_PER_MINUTE = 30


def rate_limited(request, scope: str, limit: int) -> bool:
    """A fixed one-minute window per client address; True when over the limit."""
    return window_count(scope, client_ip(request), 60) > limit


@method_decorator(login_not_required, name="dispatch")
class VerifyView(View):
    """Anyone holding a notice can check it here: the page shows the masked facts and the PDF's hash."""

    def get(self, request, code):
        if rate_limited(request, "verify", VERIFY_LIMIT_PER_MINUTE):
            return render(request, "notices/verify.html", {"throttled": True}, status=429)
        result = notice_verification(code)
        context = {"result": result, "code": code}
        if result:
            context["kind_label"] = NoticeKind(result["kind"]).label
        return render(request, "notices/verify.html", context, status=200 if result else 404)


class NoticePdfView(View):
    """The stored PDF, byte-identical every time, for staff in scope."""

    def get(self, request, pk):
        try:
            notice = notice_open(user=request.user, notice_id=pk)
        except NotFound:
            raise Http404(_("No such notice.")) from None
        return attachment(notice.pdf, filename=notice_filename(notice), content_type="application/pdf")


class ApplicationFormPdfView(View):
    """The 申请审批表 of a case the user may see, opened in the browser to print; a recorded read."""

    def get(self, request, pk):
        try:
            application, data = application_form_pdf(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None
        filename = application_form_filename(application)
        return attachment_bytes(data, filename=filename, content_type="application/pdf", inline=True)


class SurveyFormPdfView(View):
    """The 入户调查表: blank, or with a case's number, applicant and village (a recorded read of the case)."""

    def get(self, request, pk=None):
        try:
            application, data = survey_form_pdf(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None
        filename = survey_form_filename(application)
        return attachment_bytes(data, filename=filename, content_type="application/pdf", inline=True)


class ReceiptPdfView(View):
    """The filing receipt (受理回执) with the status code, for the village clerk to print and hand over."""

    def get(self, request, pk):
        try:
            application, data = receipt_pdf(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None
        filename = receipt_filename(application)
        return attachment_bytes(data, filename=filename, content_type="application/pdf", inline=True)
