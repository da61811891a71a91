"""Patients asked over the API (INTERFACES section 15, item 3): the county approver asks about a
settlement; the patient's township lists its verifications and records the answer. Names masked."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, Pages, StaffOnly, json_object
from aidflow.api.serializers import ErrorSerializer, MoneyField
from aidflow.core.identity import mask_name
from aidflow.verifications.models import VerificationMethod, VerificationStatus
from aidflow.verifications.selectors import verification_get, verifications_ordered, verifications_visible
from aidflow.verifications.services import verification_answer, verification_request

CONFLICT = {409: ErrorSerializer}


class PatientVerificationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    settlement = serializers.IntegerField(source="settlement_id")
    settlement_number = serializers.CharField(source="settlement.number")
    hospital = serializers.CharField(source="settlement.hospital.name")
    patient = serializers.SerializerMethodField(help_text="masked")
    admission_date = serializers.DateField(source="settlement.admission_date")
    discharge_date = serializers.DateField(source="settlement.discharge_date")
    slip_patient_pays = MoneyField(source="settlement.patient_pays")
    reason = serializers.CharField(help_text="sampled | requested")
    status = serializers.CharField(help_text="open | answered")
    due_date = serializers.DateField()
    method = serializers.CharField(help_text="visit | call; empty until answered")
    stay_happened = serializers.BooleanField(allow_null=True)
    patient_paid = MoneyField(allow_null=True)
    note = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    finding = serializers.BooleanField(help_text="the answer contradicts the slip")
    finding_text = serializers.CharField()

    def get_patient(self, verification) -> str:
        return mask_name(verification.settlement.name)


class VerificationAnswerSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=VerificationMethod.values)
    stay_happened = serializers.BooleanField()
    patient_paid = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, help_text="required when the stay happened"
    )
    note = serializers.CharField(required=False)


@extend_schema(tags=["verifications"])
class VerificationListApi(generics.ListAPIView):
    permission_classes = [StaffOnly]
    serializer_class = PatientVerificationSerializer
    pagination_class = Pages

    def get_queryset(self):
        queryset = verifications_visible(self.request.user)
        status = self.request.query_params.get("status", "")
        if status in VerificationStatus.values:
            queryset = queryset.filter(status=status)
        return verifications_ordered(queryset)

    @extend_schema(
        summary="Verifications of the user's region (the patient's township, the county approver, auditors): "
        "open ones first by due date",
        parameters=[OpenApiParameter("status", enum=VerificationStatus.values, required=False)],
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


@extend_schema(
    tags=["verifications"],
    summary="Record what the patient said (the patient's township): a contradiction of the slip is a finding",
    request=VerificationAnswerSerializer,
    responses={200: PatientVerificationSerializer, 400: ERRORS[400], 403: ERRORS[403], 404: ERRORS[404], **CONFLICT},
)
class VerificationAnswerApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        verification = verification_answer(user=request.user, pk=pk, data=json_object(request))
        return Response(PatientVerificationSerializer(verification_get(user=request.user, pk=verification.pk)).data)


@extend_schema(
    tags=["verifications"],
    summary="Ask the patient's township about a settlement (county approver); 409 when already asked",
    request=None,
    responses={201: PatientVerificationSerializer, 403: ERRORS[403], 404: ERRORS[404], **CONFLICT},
)
class SettlementVerificationApi(APIView):
    permission_classes = [StaffOnly]

    def post(self, request, pk):
        verification = verification_request(user=request.user, settlement_id=pk)
        return Response(
            PatientVerificationSerializer(verification_get(user=request.user, pk=verification.pk)).data, status=201
        )
