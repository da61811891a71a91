"""REST API for one-stop settlement and the hospitals' monthly claims (INTERFACES section 8)."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api import serializers as s
from aidflow.api.common import ERRORS, Pages, StaffOnly, json_object
from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import InputErrors
from aidflow.core.identity import mask_resident_id
from aidflow.core.payment import PaymentStatus
from aidflow.rolls.suspensions import suspension_json
from aidflow.settlements.models import Settlement, SettlementClaim, SettlementStatus
from aidflow.settlements.selectors import (
    claim_get,
    claims_visible,
    settlement_get,
    settlements_filter,
    settlements_visible,
)
from aidflow.settlements.services.claiming import claim_review, claim_submit, month_parse
from aidflow.settlements.services.reads import claim_view, claims_listed, settlement_view, settlements_listed
from aidflow.settlements.services.reversal import settlement_reverse
from aidflow.settlements.services.slip import slip_pdf
from aidflow.settlements.services.window import settlement_record

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class ClaimSerializer(serializers.ModelSerializer):
    hospital = serializers.CharField(source="hospital.code")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    approved_amount = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True, allow_null=True)
    payment = serializers.SerializerMethodField()
    hospital_suspension = serializers.SerializerMethodField(
        help_text="the county's suspension of the hospital's designation not lifted, or null"
    )

    class Meta:
        model = SettlementClaim
        fields = [
            "id",
            "number",
            "hospital",
            "county",
            "month",
            "count",
            "amount",
            "status",
            "approved_amount",
            "submitted_at",
            "reviewed_at",
            "reasons",
            "payment",
            "hospital_suspension",
            "flagged_count",
            "sampled_count",
            "reviewed_count",
        ]

    @extend_schema_field(
        inline_serializer(
            "ClaimPayment",
            {
                "status": serializers.ChoiceField(PaymentStatus.choices),
                "batch": serializers.CharField(allow_null=True),
                "paid_on": serializers.DateField(allow_null=True),
            },
        )
    )
    def get_payment(self, claim) -> dict | None:
        """Once approved: unpaid, in_batch, paid or failed (paid to the hospital's account)."""
        if claim.status != "approved":
            return None
        return {"status": claim.payment_status, "batch": claim.payment_batch or None, "paid_on": claim.paid_on}

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_hospital_suspension(self, claim) -> dict | None:
        return suspension_json(claim.hospital.live_suspension)


class ClaimRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = SettlementClaim
        fields = ["id", "number", "status"]


class SettlementSerializer(serializers.ModelSerializer):
    hospital = serializers.CharField(source="hospital.code")
    patient = serializers.SerializerMethodField()
    stay = serializers.SerializerMethodField()
    amount = serializers.DecimalField(**MONEY)
    patient_pays = serializers.DecimalField(**MONEY)
    part_refused_cost = serializers.DecimalField(
        **MONEY, allow_null=True, help_text="part of the compliant cost refused in the claim's review"
    )
    part_refused_aid = serializers.DecimalField(**MONEY, allow_null=True, help_text="the aid that part took off")
    calculation = serializers.JSONField()
    claim = ClaimRefSerializer(allow_null=True)
    flags = serializers.ListField(
        child=inline_serializer(
            "SettlementFlag", {"code": serializers.CharField(), "message": serializers.CharField()}
        ),
        help_text="risk flags set when claimed: HIGH_VALUE, LONG_STAY, HIGH_COST_FOR_CHAPTER, READMISSION_15_DAYS, "
        "OVERLAPPING_STAYS, INSURANCE_IMPLAUSIBLE, SAMPLED",
    )

    class Meta:
        model = Settlement
        fields = [
            "id",
            "number",
            "status",
            "hospital",
            "patient",
            "category",
            "region",
            "county",
            "aid_type",
            "stay",
            "amount",
            "patient_pays",
            "pay_first",
            "calculation",
            "settled_at",
            "claim",
            "end_reason",
            "refusal_code",
            "part_refused_cost",
            "part_refused_aid",
            "flags",
        ]

    def get_patient(self, settlement) -> dict:
        return {
            "id_number": mask_resident_id(settlement.id_number),
            "name": settlement.name,
            "insured": settlement.insured,
        }

    def get_stay(self, settlement) -> dict:
        fields = ("admission_date", "discharge_date", "diagnosis", "icd10")
        money = (
            "total_cost",
            "eligible_cost",
            "basic_insurance",
            "serious_illness_insurance",
            "other_insurance",
            "charity",
            "hospital_reduction",
            "emergency_fund",
        )
        stay = {key: str(getattr(settlement, key)) for key in fields}
        stay.update({key: f"{getattr(settlement, key):.2f}" for key in money})
        return stay


SETTLE_REQUEST = inline_serializer(
    "SettlementRequest",
    {
        "patient": inline_serializer(
            "SettlementPatient",
            {
                "id_number": serializers.CharField(),
                "name": serializers.CharField(),
                "insured": serializers.BooleanField(required=False),
            },
        ),
        "aid_type": serializers.ChoiceField(["hospitalization", "major_disease"]),
        "stay": inline_serializer(
            "SettlementStay",
            {
                "admission_date": serializers.DateField(),
                "discharge_date": serializers.DateField(),
                "total_cost": serializers.DecimalField(**MONEY),
                "eligible_cost": serializers.DecimalField(**MONEY),
                "basic_insurance": serializers.DecimalField(**MONEY),
                "serious_illness_insurance": serializers.DecimalField(**MONEY),
                "other_insurance": serializers.DecimalField(**MONEY, required=False),
                "charity": serializers.DecimalField(**MONEY, required=False),
                "hospital_reduction": serializers.DecimalField(**MONEY, required=False),
                "emergency_fund": serializers.DecimalField(**MONEY, required=False),
                "diagnosis": serializers.CharField(),
                "icd10": serializers.CharField(required=False),
            },
        ),
    },
)
NO_AID = OpenApiResponse(
    inline_serializer(
        "NoAidDue",
        {
            "detail": serializers.CharField(),
            "reasons": serializers.ListField(child=serializers.DictField()),
            "calculation": serializers.JSONField(required=False),
        },
    ),
    description="No aid is due; nothing was recorded",
)
CONFLICT = OpenApiResponse(
    s.ErrorSerializer, description="Already settled, claimed or reviewed, or the state forbids the action"
)


@extend_schema(tags=["settlements"])
class SettlementListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = SettlementSerializer
    pagination_class = Pages

    def get_queryset(self):
        params = self.request.query_params
        month, state, q = params.get("month", ""), params.get("status", ""), params.get("q", "").strip()
        if month:
            month_parse(month)
        if state and state not in SettlementStatus.values:
            raise InputErrors({"status": [_("Unknown status %(status)r.") % {"status": state}]})
        return settlements_filter(settlements_visible(self.request.user), month=month, status=state, q=q)

    def paginate_queryset(self, queryset):
        """The page answered; reading it is recorded (patients' names, ID numbers, diagnoses)."""
        page = super().paginate_queryset(queryset)
        filters = {key: self.request.query_params.get(key) for key in ("month", "status", "q")}
        settlements_listed(
            user=self.request.user, settlements=page or [], filters={k: v for k, v in filters.items() if v}
        )
        return page

    @extend_schema(
        summary="Settlements: the clerk's hospital's, or those the user's counties pay",
        parameters=[
            OpenApiParameter("month", str, description="discharge month, YYYY-MM"),
            OpenApiParameter("status", str, enum=SettlementStatus.values),
            OpenApiParameter(
                "q",
                str,
                description="part of the number or the patient's name; one or two Chinese characters: "
                "the name's beginning (a surname)",
            ),
        ],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Settle a key recipient's stay at the window (hospital clerk)",
        request=SETTLE_REQUEST,
        responses={201: SettlementSerializer, 409: CONFLICT, 422: NO_AID, **ERRORS},
    )
    def post(self, request, *args, **kwargs):
        settlement = settlement_record(user=request.user, data=json_object(request))
        return Response(SettlementSerializer(settlement).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["settlements"], responses={200: SettlementSerializer, 404: ERRORS[404]})
class SettlementDetailApi(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(summary="One settlement with its calculation and its claim")
    def get(self, request, pk):
        return Response(SettlementSerializer(settlement_view(user=request.user, pk=pk)).data)


@extend_schema(
    tags=["settlements"],
    summary="The settlement slip the patient signs (PDF)",
    responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: ERRORS[404]},
)
class SettlementSlipApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, pk):
        settlement = settlement_get(request.user, pk)
        data = slip_pdf(user=request.user, settlement=settlement)
        return attachment_bytes(data, filename=f"{settlement.number}.pdf", content_type="application/pdf")


@extend_schema(
    tags=["settlements"],
    summary="Reverse a settlement not yet in a claim (hospital clerk of that hospital)",
    request=inline_serializer("ReverseRequest", {"reason": serializers.CharField()}),
    responses={200: SettlementSerializer, 409: CONFLICT, **ERRORS},
)
class SettlementReverseApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        body = json_object(request)
        settlement = settlement_reverse(
            user=request.user, settlement=settlement_get(request.user, pk), reason=body.get("reason")
        )
        return Response(SettlementSerializer(settlement).data)


@extend_schema(tags=["settlement claims"])
class ClaimListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = ClaimSerializer
    pagination_class = Pages

    def get_queryset(self):
        return claims_visible(self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        claims_listed(user=self.request.user, claims=page or [])
        return page

    @extend_schema(summary="Monthly claims: the clerk's hospital's, or those the user's counties pay")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="Claim the settled, unclaimed settlements of one paying county up to a month (hospital clerk)",
        request=inline_serializer(
            "ClaimRequest", {"month": serializers.CharField(), "county": serializers.CharField(required=False)}
        ),
        responses={201: ClaimSerializer, 409: CONFLICT, **ERRORS},
    )
    def post(self, request, *args, **kwargs):
        claim = claim_submit(user=request.user, data=json_object(request))
        return Response(ClaimSerializer(claim).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["settlement claims"], responses={200: ClaimSerializer, 404: ERRORS[404]})
class ClaimDetailApi(APIView):
    permission_classes = [StaffOnly]

    @extend_schema(summary="One monthly claim")
    def get(self, request, pk):
        return Response(ClaimSerializer(claim_view(user=request.user, pk=pk)).data)


@extend_schema(
    tags=["settlement claims"],
    summary="Review a claim (county approver of the paying county)",
    request=inline_serializer(
        "ClaimReviewRequest",
        {
            "decision": serializers.ChoiceField(["approve", "reject"]),
            "rejected_settlements": serializers.ListField(
                child=serializers.JSONField(),
                required=False,
                help_text="settlement ids (refused as non_compliant) or {id, code, reason} objects",
            ),
            "reviewed_settlements": serializers.ListField(
                child=serializers.IntegerField(),
                required=False,
                help_text="the settlements the approver looked at (refused ones count): the share reviewed",
            ),
            "reasons": serializers.CharField(required=False),
        },
    ),
    responses={200: ClaimSerializer, 409: CONFLICT, **ERRORS},
)
class ClaimReviewApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        claim = claim_review(user=request.user, claim=claim_get(request.user, pk), data=json_object(request))
        return Response(ClaimSerializer(claim).data)
