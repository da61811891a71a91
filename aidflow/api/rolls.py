"""REST API for designated hospitals and the rolls of key recipients (INTERFACES section 7)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly
from aidflow.rolls.lookups import roll_lookup
from aidflow.rolls.models import Hospital
from aidflow.rolls.selectors import hospitals_list


class HospitalSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")

    class Meta:
        model = Hospital
        fields = ["code", "name", "level", "county", "designated_from", "designated_to"]


class PeriodSerializer(serializers.Serializer):
    category = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)


class RecipientSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="masked")
    name = serializers.CharField(help_text="masked")
    on = serializers.DateField()
    category = serializers.CharField(allow_null=True, help_text="the roll category on that day, or null")
    region = serializers.CharField()
    periods = PeriodSerializer(many=True)


@extend_schema(tags=["rolls"], summary="Designated hospitals")
class HospitalListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = HospitalSerializer
    pagination_class = None

    def get_queryset(self):
        return hospitals_list()


@extend_schema(
    tags=["rolls"],
    summary="What the rolls say about a person on a day (audited)",
    parameters=[OpenApiParameter("on", OpenApiTypes.DATE, description="default: today")],
    responses={200: RecipientSerializer, 400: ERRORS[400], 404: ERRORS[404]},
)
class RecipientLookupApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, id_number):
        result = roll_lookup(user=request.user, id_number=id_number, on=request.query_params.get("on"))
        return Response(RecipientSerializer(result).data)
