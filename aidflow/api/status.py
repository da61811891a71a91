"""The applicant's public status look-up over the API: no login, throttled per client address."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound as DRFNotFound
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, THROTTLED
from aidflow.api.serializers import MoneyField
from aidflow.notify.status import status_lookup


class StatusOutcomeSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approved", "rejected"])
    decision_label = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    amount = MoneyField(allow_null=True)
    notice_delivered_on = serializers.DateField(allow_null=True)
    collect = serializers.CharField(help_text="how the applicant gets the decision notice")


class StatusSerializer(serializers.Serializer):
    number = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()
    outcome = StatusOutcomeSerializer(allow_null=True)


def status_query(params) -> tuple[str, str]:
    """The number and code asked for; a 400 naming each one missing."""
    number, code = (params.get("number") or "").strip(), (params.get("code") or "").strip()
    errors = {}
    if not number:
        errors["number"] = [_("Give the application number.")]
    if not code:
        errors["code"] = [_("Give the status code printed on the receipt.")]
    if errors:
        raise ValidationError(errors)
    return number, code


@extend_schema(
    tags=["status"],
    summary="An application's stage, due date and outcome, for its applicant (no login; number and status code)",
    parameters=[
        OpenApiParameter("number", OpenApiTypes.STR, required=True),
        OpenApiParameter("code", OpenApiTypes.STR, required=True, description="the status code on the receipt"),
    ],
    responses={200: StatusSerializer, 400: ERRORS[400], 404: ERRORS[404], 429: THROTTLED},
)
class StatusApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "status"

    def get(self, request):
        number, code = status_query(request.query_params)
        answer = status_lookup(number=number, code=code)
        if answer is None:
            # The same answer for an unknown number and a wrong code.
            raise DRFNotFound(_("No application matches this number and status code."))
        return Response(StatusSerializer(answer).data)
