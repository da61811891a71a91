"""The person file over the API (INTERFACES section 13): scoped like case files, each read recorded."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from aidflow.api.common import ERRORS, StaffOnly
from aidflow.api.serializers import MoneyField
from aidflow.reports.person_file import person_file


class PersonRollSerializer(serializers.Serializer):
    category = serializers.CharField()
    region = serializers.CharField()
    valid_from = serializers.DateField()
    valid_to = serializers.DateField(allow_null=True)


class PersonApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    aid_type = serializers.CharField()
    medical_year = serializers.IntegerField()
    filing_date = serializers.DateField()
    stage = serializers.CharField()
    status = serializers.CharField()
    amount = MoneyField(allow_null=True)
    payment_status = serializers.CharField()


class PersonSettlementSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    hospital = serializers.CharField(source="hospital.name")
    aid_type = serializers.CharField()
    medical_year = serializers.IntegerField()
    admission_date = serializers.DateField()
    discharge_date = serializers.DateField()
    status = serializers.CharField()
    amount = MoneyField()


class PersonPaymentSerializer(serializers.Serializer):
    application = serializers.CharField(source="application.number")
    batch = serializers.CharField(source="batch.number")
    amount = MoneyField()
    status = serializers.CharField()
    paid_on = serializers.DateField(allow_null=True)


class PersonNoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    application = serializers.CharField(source="application.number", allow_null=True, default=None)
    settlement = serializers.CharField(source="settlement.number", allow_null=True, default=None)
    kind = serializers.CharField()
    number = serializers.CharField()
    issued_at = serializers.DateTimeField()


class PersonYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    aid_type = serializers.CharField()
    remaining_counted = MoneyField(help_text="costs left after insurance that count toward the deductible")
    aid_granted = MoneyField(help_text="aid granted: what was used of the annual cap")


class PersonRevocationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.CharField(help_text="application | settlement")
    reference = serializers.CharField(help_text="the revoked application or settlement")
    notice = serializers.CharField(source="notice.number")
    reasons = serializers.CharField()
    facts = serializers.CharField()
    amount = MoneyField()
    paid = MoneyField()
    revoked_at = serializers.DateTimeField()


class PersonRecoverySerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    reference = serializers.CharField(source="revocation.reference")
    debtor_kind = serializers.ChoiceField(choices=["payee", "hospital"])
    debtor = serializers.CharField()
    amount = MoneyField()
    repaid = MoneyField()
    offset = MoneyField()
    written_off = MoneyField()
    outstanding = MoneyField()
    status = serializers.CharField(help_text="open | settled")


class PersonFileSerializer(serializers.Serializer):
    id_number = serializers.CharField()
    name = serializers.CharField()
    roll_periods = PersonRollSerializer(many=True)
    applications = PersonApplicationSerializer(many=True)
    settlements = PersonSettlementSerializer(many=True)
    payments = PersonPaymentSerializer(many=True)
    notices = PersonNoticeSerializer(many=True)
    history = PersonYearSerializer(many=True)
    revocations = PersonRevocationSerializer(many=True)
    recoveries = PersonRecoverySerializer(many=True)


@extend_schema(
    tags=["persons"],
    summary="Everything on one person within the user's region: rolls, applications, settlements, payments, "
    "notices, each year's use per aid type, revocations and recoveries (recorded as a read)",
    responses={200: PersonFileSerializer, 404: ERRORS[404]},
)
class PersonFileApi(APIView):
    permission_classes = [StaffOnly]

    def get(self, request, id_number):
        return Response(PersonFileSerializer(person_file(user=request.user, id_number=id_number)).data)
