"""REST API for designated hospitals and the rolls of key recipients (INTERFACES section 7)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly, json_object
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.rolls.lookups import roll_lookup
from aidflow.rolls.models import Hospital
from aidflow.rolls.referrals import referral_record, referrals_list
from aidflow.rolls.selectors import hospitals_with_suspension
from aidflow.rolls.suspensions import hospital_lift, hospital_suspend, suspension_json


class HospitalSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county_id")
    suspended_from = serializers.DateField(
        read_only=True, allow_null=True, help_text="the county's suspension not lifted, from that day; or null"
    )

    class Meta:
        model = Hospital
        fields = ["code", "name", "level", "county", "designated_from", "designated_to", "suspended_from"]


SUSPENSION = inline_serializer(
    "HospitalSuspension",
    {
        "hospital": serializers.CharField(),
        "suspended_from": serializers.DateField(),
        "reason": serializers.CharField(),
        "suspended_by": serializers.CharField(),
        "lifted_on": serializers.DateField(allow_null=True),
        "lift_reason": serializers.CharField(),
    },
)


@extend_schema(
    tags=["rolls"],
    summary="Suspend a hospital's designation from a day (county approver of its county; audited)",
    request=inline_serializer("SuspendRequest", {"from": serializers.DateField(), "reason": serializers.CharField()}),
    responses={201: SUSPENSION, 409: OpenApiResponse(description="already suspended"), **ERRORS},
)
class HospitalSuspendApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, code):
        suspension = hospital_suspend(user=request.user, code=code, data=json_object(request))
        return Response(suspension_json(suspension), status=201)


@extend_schema(
    tags=["rolls"],
    summary="Lift a hospital's suspension from today (county approver of its county; audited)",
    request=inline_serializer("LiftRequest", {"reason": serializers.CharField()}),
    responses={200: SUSPENSION, 409: OpenApiResponse(description="not suspended"), **ERRORS},
)
class HospitalLiftApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, code):
        return Response(suspension_json(hospital_lift(user=request.user, code=code, data=json_object(request))))


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
        return hospitals_with_suspension()


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


class ReferralRequestSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="the referred person's resident ID number")
    name = serializers.CharField()
    from_hospital_code = serializers.CharField(
        required=False, help_text="the referring hospital (a hospital clerk's own)"
    )
    to_hospital_code = serializers.CharField(help_text="the designated hospital referred to")
    date = serializers.DateField(help_text="the day of the referral: on or before the admission")
    diagnosis = serializers.CharField()


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    id_number = serializers.SerializerMethodField(help_text="masked")
    name = serializers.SerializerMethodField(help_text="masked")
    from_hospital_code = serializers.SerializerMethodField()
    to_hospital_code = serializers.CharField(source="to_hospital.code")
    date = serializers.DateField()
    diagnosis = serializers.CharField()

    def get_id_number(self, referral) -> str:
        return mask_resident_id(referral.id_number)

    def get_name(self, referral) -> str:
        return mask_name(referral.name)

    def get_from_hospital_code(self, referral) -> str | None:
        return referral.from_hospital.code if referral.from_hospital_id else None


class ReferralsApi(APIView):
    """Referrals on file (转诊备案, INTERFACES section 11)."""

    permission_classes = [StaffOnly]

    @extend_schema(
        tags=["rolls"],
        summary="Referrals of a person, or the latest in scope (audited)",
        parameters=[OpenApiParameter("id_number", str, description="the person's resident ID number")],
        responses={200: ReferralSerializer(many=True), 400: ERRORS[400], 403: ERRORS[403]},
    )
    def get(self, request):
        referrals = referrals_list(user=request.user, id_number=request.query_params.get("id_number"))
        return Response(ReferralSerializer(referrals, many=True).data)

    @extend_schema(
        tags=["rolls"],
        summary="Record a referral",
        request=ReferralRequestSerializer,
        responses={201: ReferralSerializer, 400: ERRORS[400], 403: ERRORS[403]},
    )
    def post(self, request):
        referral = referral_record(user=request.user, data=request.data)
        return Response(ReferralSerializer(referral).data, status=201)
