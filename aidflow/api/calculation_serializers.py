"""API representations of a calculation (INTERFACES section 4): the request and the result, for the
OpenAPI schema. Input is validated by the services."""

from rest_framework import serializers

from aidflow.cases.choices import Residence
from aidflow.policy.models import AidType, Category, ReasonCode, WarningCode

MONEY = {"max_digits": 12, "decimal_places": 2, "coerce_to_string": True}


class MoneyField(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(**MONEY, **kwargs)


# --- calculation (INTERFACES section 4) ---------------------------------------------------------


class PatientSerializer(serializers.Serializer):
    id_number = serializers.CharField(help_text="Resident ID number (GB 11643), 18 characters")
    severely_disabled = serializers.BooleanField(required=False, default=False)
    seriously_ill = serializers.BooleanField(required=False, default=False)


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    relation = serializers.CharField()
    monthly_income = MoneyField(required=False)


class HouseholdSerializer(serializers.Serializer):
    size = serializers.IntegerField(min_value=1, max_value=50)
    monthly_income = MoneyField(help_text="The whole household's monthly income")
    residence = serializers.ChoiceField(choices=Residence.values)


class FilingHouseholdSerializer(HouseholdSerializer):
    members = MemberSerializer(many=True, required=False)


class StaySerializer(serializers.Serializer):
    hospital = serializers.CharField()
    hospital_level = serializers.IntegerField(min_value=1, max_value=3)
    admission_date = serializers.DateField()
    discharge_date = serializers.DateField()
    total_cost = MoneyField()
    eligible_cost = MoneyField()
    basic_insurance = MoneyField()
    serious_illness_insurance = MoneyField()
    other_insurance = MoneyField(required=False)
    charity = MoneyField(required=False)
    hospital_reduction = MoneyField(required=False, help_text="The hospital's reduction (减免); default 0")
    emergency_fund = MoneyField(required=False, help_text="Emergency medical assistance fund (疾病应急救助); default 0")


class FilingStaySerializer(StaySerializer):
    referral = serializers.BooleanField(required=False, default=False)
    referral_number = serializers.CharField(required=False)


class HistorySerializer(serializers.Serializer):
    remaining_before = MoneyField()
    granted_before = MoneyField()


AID_TYPES = AidType.choices


class CalculationRequestSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="Village code, e.g. 371402001201")
    filing_date = serializers.DateField(required=False, help_text="Defaults to today; never in the future")
    category = serializers.CharField(
        help_text="one of " + ", ".join(Category.values) + ", or an extra category of the applicable policy"
    )
    aid_type = serializers.ChoiceField(choices=AID_TYPES)
    patient = PatientSerializer()
    household = HouseholdSerializer()
    stays = StaySerializer(many=True)
    history = HistorySerializer(required=False, help_text="Absent: summed from the person's approved applications")


class ReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=ReasonCode.values)
    message = serializers.CharField()


class PolicyUsedSerializer(serializers.Serializer):
    code = serializers.CharField()
    category_group = serializers.CharField()
    aid_type = serializers.CharField()
    rate = serializers.CharField(allow_null=True)
    deductible = serializers.CharField(allow_null=True)
    annual_cap = serializers.CharField(allow_null=True)


class StayResultSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    remaining = serializers.CharField()
    in_window = serializers.BooleanField()
    counted = serializers.BooleanField(
        required=False, help_text="false when out of the window or excluded (NOT_ON_ROLL, NOT_DESIGNATED, NO_REFERRAL)"
    )
    excluded = serializers.CharField(
        allow_null=True,
        required=False,
        help_text="why a stay does not count (EXPENSE_OUT_OF_WINDOW, NOT_ON_ROLL, NOT_DESIGNATED, NO_REFERRAL); "
        "null when it counts",
    )


class WarningSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=WarningCode.values)
    stay = serializers.IntegerField(help_text="index of the stay")
    message = serializers.CharField()


class CalculationResultSerializer(serializers.Serializer):
    eligible = serializers.BooleanField()
    amount = serializers.CharField()
    medical_year = serializers.IntegerField()
    remaining = serializers.CharField()
    deductible_left = serializers.CharField()
    granted_before = serializers.CharField()
    policy = PolicyUsedSerializer(allow_null=True)
    stays = StayResultSerializer(many=True)
    reasons = ReasonSerializer(many=True)
    explanation = serializers.ListField(child=serializers.CharField())
    warnings = WarningSerializer(many=True, required=False, help_text="never change the amount")
