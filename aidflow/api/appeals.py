"""Reconsideration and lawsuits over the API (INTERFACES section 13): recorded by the county approver."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly, json_object
from aidflow.appeals.models import AppealOutcome
from aidflow.appeals.services import appeal_outcome_record, appeal_record

# Plain text in the schema: documents have a `kind` enum of their own, and two enums of one field
# name clash. The service checks the value.
KIND = "reconsideration (行政复议) or lawsuit (行政诉讼)"


class AppealRequestSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text=KIND)
    received_on = serializers.DateField(help_text="the day the body or court received it; not in the future")
    body = serializers.CharField(help_text="the reconsideration body (复议机关) or the court")
    case_number = serializers.CharField()
    late_reason = serializers.CharField(
        required=False, help_text="required when received after the period (60 days / 6 months from delivery)"
    )


class AppealOutcomeRequestSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=AppealOutcome.choices)
    decided_on = serializers.DateField()
    document = serializers.FileField(help_text="the decision document: PDF, JPEG or PNG (checked by content), 20 MB")


class AppealSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    application = serializers.IntegerField(source="application_id")
    kind = serializers.CharField(help_text=KIND)
    notice = serializers.CharField(source="notice.number", allow_null=True)
    delivered_on = serializers.DateField()
    received_on = serializers.DateField()
    period_ends = serializers.DateField()
    late = serializers.BooleanField()
    late_reason = serializers.CharField()
    body = serializers.CharField()
    case_number = serializers.CharField()
    outcome = serializers.CharField(help_text="upheld, revoked, changed or withdrawn; empty while pending")
    decided_on = serializers.DateField(allow_null=True)
    decision_document = serializers.IntegerField(source="decision_document_id", allow_null=True)
    reopened = serializers.BooleanField(help_text="the outcome sent the case back to the county")


def _body(appeal) -> dict:
    appeal.reopened = appeal.reopened_at is not None
    return AppealSerializer(appeal).data


CONFLICT = OpenApiResponse(
    description="Not delivered yet, an outcome already recorded, or a case already back with the county"
)


@extend_schema(
    tags=["applications"],
    summary="Record a reconsideration application or a lawsuit against the delivered decision (county approver)",
    request=AppealRequestSerializer,
    responses={201: AppealSerializer, 409: CONFLICT, **ERRORS},
)
class AppealCreateApi(APIView):
    permission_classes = [StaffOnly]
    parser_classes = [JSONParser]

    def post(self, request, pk):
        appeal = appeal_record(user=request.user, application_id=pk, data=json_object(request))
        return Response(_body(appeal), status=status.HTTP_201_CREATED)


@extend_schema(
    tags=["applications"],
    summary="Record an appeal's outcome with its decision document; revoked or changed reopens the case",
    request={"multipart/form-data": AppealOutcomeRequestSerializer},
    responses={200: AppealSerializer, 409: CONFLICT, **ERRORS},
)
class AppealOutcomeApi(APIView):
    permission_classes = [StaffOnly]
    parser_classes = [MultiPartParser]

    def post(self, request, pk, appeal_pk):
        data = {key: request.data.get(key) for key in ("outcome", "decided_on")}
        appeal = appeal_outcome_record(
            user=request.user, application_id=pk, appeal_id=appeal_pk, data=data, file=request.FILES.get("document")
        )
        return Response(_body(appeal))
