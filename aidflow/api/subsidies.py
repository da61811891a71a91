"""Premium subsidies over the API (INTERFACES section 12): a county's roster built from the rolls,
confirmed, exported for the insurance agency, the agency's answer recorded."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly, json_object
from aidflow.api.serializers import ErrorSerializer, MoneyField
from aidflow.core.downloads import attachment_bytes
from aidflow.subsidies.services import (
    roster_build,
    roster_confirm,
    roster_discard,
    roster_get,
    roster_results,
    roster_workbook,
    rosters_visible,
)

CONFLICT = {409: ErrorSerializer}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class RosterSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    county = serializers.CharField()
    year = serializers.IntegerField()
    supplementary = serializers.BooleanField()
    status = serializers.CharField(help_text="draft | confirmed | recorded")
    reference_date = serializers.DateField()
    amount = MoneyField(help_text="the premium per person")
    count = serializers.IntegerField()
    total = MoneyField()
    accepted = serializers.IntegerField()
    rejected = serializers.IntegerField()
    payment_status = serializers.CharField(help_text="unpaid | in_batch | paid | failed")
    payment_batch = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)


@extend_schema(
    tags=["premium-subsidies"],
    summary="The rosters in your scope (GET); build a county's roster of a year from the rolls (POST, county approver)",
    request=inline_serializer("RosterBuild", {"county": serializers.CharField(), "year": serializers.IntegerField()}),
    responses={200: RosterSerializer(many=True), 201: RosterSerializer, **CONFLICT, **ERRORS},
)
class RosterListApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request):
        return Response(RosterSerializer(rosters_visible(request.user)[:200], many=True).data)

    def post(self, request):
        roster = roster_build(user=request.user, data=json_object(request))
        return Response(RosterSerializer(roster).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["premium-subsidies"], summary="A roster", responses={200: RosterSerializer, **ERRORS})
class RosterDetailApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        return Response(RosterSerializer(roster_get(user=request.user, pk=pk)).data)


@extend_schema(
    tags=["premium-subsidies"],
    summary="Confirm a draft roster with the insurance fund's account (county approver): it becomes payable",
    request=inline_serializer(
        "RosterConfirm",
        {
            "payee": serializers.CharField(required=False),
            "bank": serializers.CharField(required=False),
            "account": serializers.CharField(required=False, help_text="default: the county's last roster's"),
        },
    ),
    responses={200: RosterSerializer, **CONFLICT, **ERRORS},
)
class RosterConfirmApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        return Response(RosterSerializer(roster_confirm(user=request.user, pk=pk, data=json_object(request))).data)


@extend_schema(
    tags=["premium-subsidies"],
    summary="Discard a draft roster",
    request=None,
    responses={204: None, **CONFLICT, **ERRORS},
)
class RosterDiscardApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        roster_discard(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    tags=["premium-subsidies"],
    summary="The insurance agency's file of a confirmed roster (names and ID numbers in full; a recorded read)",
    responses={(200, XLSX): OpenApiTypes.BINARY, **CONFLICT, **ERRORS},
)
class RosterExportApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        roster, data = roster_workbook(user=request.user, pk=pk)
        return attachment_bytes(data, filename=f"资助参保名册-{roster.number}.xlsx", content_type=XLSX)


@extend_schema(
    tags=["premium-subsidies"],
    summary="Record the agency's answer (id_number,result,reason; accepted|rejected or 成功|失败): all rows or none",
    request={"multipart/form-data": inline_serializer("RosterResults", {"file": serializers.FileField()})},
    responses={200: RosterSerializer, **CONFLICT, **ERRORS},
)
class RosterResultsApi(APIView):
    permission_classes = [StaffOnly]
    parser_classes = [MultiPartParser]

    def post(self, request, pk):
        roster = roster_results(user=request.user, pk=pk, upload=request.FILES.get("file"))
        return Response(RosterSerializer(roster).data)
