"""REST API v1 (INTERFACES section 5). Every view calls the same services as the web UI."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from aidflow.accounts.twofactor import code_device, enrolled, two_factor_required
from aidflow.api import serializers as s
from aidflow.api.common import ERRORS, THROTTLED, Pages, StaffOnly, json_object
from aidflow.api.services import token_issue, token_revoke
from aidflow.audit.services import audit_seal_reads
from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.cases.selectors import (
    ListFilters,
    application_get,
    applications_filter,
    applications_visible,
    detail_queryset,
    tasks_waiting,
)
from aidflow.cases.services.calculation import aid_calculate
from aidflow.cases.services.documents import document_add
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.payees import payee_change
from aidflow.cases.services.tasks import task_complete
from aidflow.cases.services.viewing import application_view
from aidflow.core.dates import date_range
from aidflow.core.downloads import attachment
from aidflow.core.errors import InputErrors, NotFound
from aidflow.notices.models import Notice
from aidflow.notices.services import notice_filename, notice_open, notice_verification
from aidflow.policy.models import WarningCode
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.regions.stages import Stage
from aidflow.reports.services import ontime_statistics, report_scope


def application_for(request, pk) -> Application:
    return application_get(user=request.user, pk=pk)


def detail_response(request, pk, code=status.HTTP_200_OK) -> Response:
    application = detail_queryset().get(pk=application_for(request, pk).pk)
    return Response(s.ApplicationDetailSerializer(application).data, status=code)


@extend_schema(
    tags=["auth"],
    request=s.TokenRequestSerializer,
    responses={200: s.TokenSerializer, 400: ERRORS[400], 429: THROTTLED},
    summary="Exchange a username and password for an API token",
)
class TokenApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request):
        data = request.data if isinstance(request.data, dict) else {}
        username, password = data.get("username"), data.get("password")
        errors = {}
        if not isinstance(username, str) or not username:
            errors["username"] = [_("This field is required.")]
        if not isinstance(password, str) or not password:
            errors["password"] = [_("This field is required.")]
        if errors:
            raise InputErrors(errors)
        # Goes through axes: five failures lock the username here as on the login page.
        user = authenticate(request._request, username=username, password=password)
        if user is None or not user.is_active:
            raise InputErrors({"password": [_("Unable to log in with the username and password given.")]})
        second_step = two_factor_required(user)
        if second_step:
            otp = data.get("otp")
            if not enrolled(user):
                raise InputErrors({"otp": [_("Set up the authenticator by signing in on the web first.")]})
            if not isinstance(otp, str) or not otp.strip():
                raise InputErrors({"otp": [_("Your role signs in with a second step: send the authenticator's code.")]})
            if code_device(user, otp) is None:
                raise InputErrors({"otp": [_("That code is not right; send the current one.")]})
        return Response({"token": token_issue(user=user, second_step=second_step)})


@extend_schema(
    tags=["auth"],
    request=None,
    responses={204: OpenApiResponse(description="The token is deleted"), 401: OpenApiResponse(s.ErrorSerializer)},
    summary="Sign out of the API: delete the token",
)
class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["applications"])
class ApplicationListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = s.ApplicationListSerializer
    pagination_class = Pages

    def get_queryset(self):
        filters = ListFilters.from_params(self.request.query_params)
        return applications_filter(applications_visible(self.request.user), filters)

    @extend_schema(
        summary="Applications in the user's region",
        parameters=[
            OpenApiParameter("stage", str, enum=Stage.values),
            OpenApiParameter("status", str, enum=Status.values),
            OpenApiParameter("overdue", bool, description="only applications past their stage's due date"),
            OpenApiParameter(
                "payment",
                str,
                enum=["unpaid", "paid", "failed"],
                description="approved applications not paid yet (unpaid, in a batch or not), paid, or failed",
            ),
            OpenApiParameter(
                "q",
                str,
                description="a whole number or resident ID; part of the number or the applicant's name; one or "
                "two Chinese characters: the name's beginning (a surname)",
            ),
            OpenApiParameter(
                "warning", str, enum=WarningCode.values, description="only applications whose calculation warns so"
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="File an application (village clerk of that village); starts the procedure",
        request=s.FilingRequestSerializer,
        responses={201: s.ApplicationDetailSerializer, **ERRORS},
    )
    def post(self, request, *args, **kwargs):
        application = application_file(user=request.user, data=json_object(request))
        return detail_response(request, application.pk, status.HTTP_201_CREATED)


@extend_schema(tags=["applications"], responses={200: s.ApplicationDetailSerializer, 404: ERRORS[404]})
class ApplicationDetailApi(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(summary="One application with its calculation and the tasks of every stage")
    def get(self, request, pk):
        """The whole case (full names, ID numbers, diagnoses): a recorded read, as its page is."""
        application = detail_queryset().get(pk=application_view(user=request.user, pk=pk).pk)
        return Response(s.ApplicationDetailSerializer(application).data)


@extend_schema(
    tags=["applications"],
    summary="Add a document (clerk of the village, while the village handles the application)",
    request={"multipart/form-data": s.DocumentUploadSerializer},
    responses={
        201: s.DocumentSerializer,
        409: OpenApiResponse(s.ErrorSerializer, description="Documents are added only while the village handles it"),
        **ERRORS,
    },
)
class DocumentUploadApi(APIView):
    permission_classes = [StaffOnly]
    parser_classes = [MultiPartParser]

    def post(self, request, pk):
        application = application_for(request, pk)
        kind = request.data.get("kind")
        upload = request.FILES.get("file")
        if upload is None:
            raise InputErrors({"file": [_("No file was uploaded.")]})
        document = document_add(user=request.user, application=application, kind=kind, file=upload)
        return Response(
            {
                "id": document.pk,
                "kind": document.kind,
                "content_type": document.content_type,
                "size": document.size,
                "sha256": document.sha256,
                "uploaded_at": document.uploaded_at,
            },
            status=status.HTTP_201_CREATED,
        )


@extend_schema(tags=["tasks"], summary="The tasks this user may act on now", responses=s.OpenTaskSerializer(many=True))
class TaskListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = s.OpenTaskSerializer
    pagination_class = Pages

    def get_queryset(self):
        return tasks_waiting(self.request.user)


@extend_schema(
    tags=["tasks"],
    summary="Complete a task with its stage's payload",
    request=s.TaskCompleteSerializer,
    responses={
        200: s.ApplicationDetailSerializer,
        409: OpenApiResponse(s.ErrorSerializer, description="The task is no longer open, or someone else holds it"),
        **ERRORS,
    },
)
class TaskCompleteApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        application = task_complete(user=request.user, task_id=pk, payload=json_object(request))
        return detail_response(request, application.pk)


@extend_schema(tags=["notices"], summary="The notices of an application", responses=s.NoticeSerializer(many=True))
class ApplicationNoticesApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = s.NoticeSerializer
    pagination_class = None

    def get_queryset(self):
        return Notice.objects.filter(application=application_for(self.request, self.kwargs["pk"])).order_by("pk")


@extend_schema(
    tags=["notices"],
    summary="The notice's PDF, byte-identical every time (its SHA-256 equals `sha256`)",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404]},
)
class NoticePdfApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        try:
            notice = notice_open(user=request.user, notice_id=pk)
        except NotFound:
            raise DRFNotFound(_("No such notice.")) from None
        return attachment(notice.pdf, filename=notice_filename(notice), content_type="application/pdf")


@extend_schema(
    tags=["notices"],
    summary="Check a notice by its verification code (no login)",
    responses={200: s.VerificationSerializer, 404: ERRORS[404], 429: THROTTLED},
)
class VerifyApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "verify"

    def get(self, request, code):
        result = notice_verification(code)
        if result is None:
            raise DRFNotFound(_("No notice has this code."))
        result.pop("replaced_by", None)
        return Response(result)


@extend_schema(
    tags=["applications"],
    summary="The application's audited history, oldest first",
    responses=s.HistoryEventSerializer(many=True),
)
class HistoryApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = s.HistoryEventSerializer
    pagination_class = None

    def get_queryset(self):
        application = application_for(self.request, self.kwargs["pk"])
        audit_seal_reads()  # the reads of the last minute too
        return application.audit_events.order_by("seq")


@extend_schema(
    tags=["calculation"],
    summary="Calculate medical aid (the same calculator as `manage.py calculate_aid`)",
    request=s.CalculationRequestSerializer,
    responses={200: s.CalculationResultSerializer, 400: ERRORS[400]},
)
class CalculateApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request):
        return Response(aid_calculate(data=request.data))


@extend_schema(
    tags=["statistics"],
    summary="On-time statistics per township and stage (county approvers and auditors)",
    description="Stage clocks received in [from, to], grouped by the township of the case's village. Counts are "
    "exact. median_days and p90_days are computed from durations counted in tenths of a day (rounded half up): "
    "p90_days (nearest rank) is the exact 90th percentile rounded to 0.1 day, median_days is within 0.1 day of "
    "the exact median.",
    parameters=[OpenApiParameter("from", OpenApiTypes.DATE), OpenApiParameter("to", OpenApiTypes.DATE)],
    responses={200: s.OnTimeRowSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
)
class OnTimeApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        if not report_scope(request.user) or role_of(request.user) not in (Role.COUNTY_APPROVER, Role.AUDITOR):
            raise PermissionDenied(_("On-time statistics are for county approvers and auditors."))
        date_from, date_to = date_range(request.query_params)
        rows = ontime_statistics(user=request.user, date_from=date_from, date_to=date_to)
        return Response([row.as_dict() for row in rows])


@extend_schema(
    tags=["applications"],
    summary="Record where the aid is paid (village clerk of the village, or county finance)",
    request=s.PayeeSerializer,
    responses={
        200: s.ApplicationDetailSerializer,
        409: OpenApiResponse(s.ErrorSerializer, description="The application waits in an open payment batch"),
        **ERRORS,
    },
)
class PayeeApi(APIView):
    permission_classes = [StaffOnly]

    def patch(self, request, pk):
        application = payee_change(user=request.user, application_id=pk, data=json_object(request))
        return detail_response(request, application.pk)
