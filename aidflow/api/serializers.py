"""API representations. Input is validated by the services (one set of rules for every door); the
request serializers here describe the payloads for the OpenAPI schema and shape nothing else."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aidflow.audit.models import AuditEvent
from aidflow.cases.choices import DeliveryMethod, DocumentKind, Residence
from aidflow.cases.models import Application, Decision, StageClock
from aidflow.cases.services.payees import payee_masked
from aidflow.core.payment import PaymentStatus
from aidflow.notices.models import Notice
from aidflow.policy.models import AidType, Category, ReasonCode
from workflows.models import Route

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


# --- applications --------------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(required=False, help_text="The patient's ID number (or give patient.id_number)")
    phone = serializers.CharField(required=False)


class PayeeSerializer(serializers.Serializer):
    name = serializers.CharField()
    bank = serializers.CharField()
    account = serializers.CharField(help_text="10-30 digits; answered masked")


class PaymentSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PaymentStatus.choices)
    batch = serializers.CharField(allow_null=True, help_text="the batch number")
    paid_on = serializers.DateField(allow_null=True)


class FilingRequestSerializer(serializers.Serializer):
    region = serializers.CharField(help_text="The village code of the clerk's village")
    filing_date = serializers.DateField(required=False)
    category = serializers.CharField(
        help_text="one of " + ", ".join(Category.values) + ", or an extra category of the applicable policy"
    )
    aid_type = serializers.ChoiceField(choices=AID_TYPES)
    applicant = ApplicantSerializer()
    patient = PatientSerializer()
    household = FilingHouseholdSerializer()
    stays = FilingStaySerializer(many=True)
    payee = PayeeSerializer(required=False)


class TaskInfoSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="task_id", allow_null=True)
    status = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    completed_by = serializers.SerializerMethodField()

    class Meta:
        model = StageClock
        fields = ["id", "stage", "status", "received_at", "due_date", "overdue", "completed_at", "completed_by"]

    def get_status(self, clock) -> str:
        return clock.outcome

    def get_overdue(self, clock) -> bool:
        if clock.due_date is None:
            return False
        if clock.completed_at is not None:
            return timezone.localtime(clock.completed_at).date() > clock.due_date
        return clock.due_date < timezone.localdate()

    def get_completed_by(self, clock) -> str | None:
        return clock.completed_by.username if clock.completed_by_id else None


class ApplicationListSerializer(serializers.ModelSerializer):
    amount = MoneyField(allow_null=True)
    applicant = serializers.CharField(source="masked_name")
    id_number = serializers.CharField(source="masked_id_number")
    village = serializers.CharField(source="village_id")
    due_date = serializers.DateField(source="stage_due_date", allow_null=True)
    overdue = serializers.BooleanField()
    # null until decided (never blank).
    decision = serializers.ChoiceField(choices=Decision.choices, allow_null=True, read_only=True)

    class Meta:
        model = Application
        fields = [
            "id",
            "number",
            "applicant",
            "id_number",
            "village",
            "category",
            "aid_type",
            "filing_date",
            "status",
            "stage",
            "decision",
            "amount",
            "due_date",
            "overdue",
        ]


class ApplicationDetailSerializer(ApplicationListSerializer):
    payment = serializers.SerializerMethodField()
    notice_pending = serializers.SerializerMethodField()
    payee = serializers.SerializerMethodField()
    calculation = CalculationResultSerializer()
    tasks = TaskInfoSerializer(source="clocks", many=True)
    computed_amount = MoneyField()
    missing_materials = serializers.ListField(child=serializers.CharField())

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "computed_amount",
            "missing_materials",
            "calculation",
            "tasks",
            "payment",
            "payee",
            "notice_pending",
        ]

    @extend_schema_field(serializers.BooleanField())
    def get_notice_pending(self, application) -> bool:
        """True while a decision notice's PDF is still being rendered (delivery waits for it)."""
        return application.notices.filter(sha256="").exists()

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, application) -> dict | None:
        """Once approved: unpaid, in_batch, paid or failed, with the batch number and the day paid."""
        if application.status != "approved":
            return None
        return {
            "status": application.payment_status,
            "batch": application.payment_batch or None,
            "paid_on": application.paid_on,
        }

    @extend_schema_field(PayeeSerializer(allow_null=True))
    def get_payee(self, application) -> dict | None:
        return payee_masked(application)


class DocumentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DocumentKind.values)
    file = serializers.FileField(help_text="PDF, JPEG or PNG (checked by content), at most 20 MB")


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


# --- tasks ----------------------------------------------------------------------------------------


class OpenTaskSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="task_id")
    application = serializers.IntegerField(source="application_id")
    number = serializers.CharField(source="application.number")
    applicant = serializers.CharField(source="application.masked_name")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = StageClock
        fields = ["id", "application", "number", "applicant", "stage", "received_at", "due_date", "overdue"]

    def get_overdue(self, clock) -> bool:
        return clock.due_date is not None and clock.due_date < timezone.localdate()


class TaskCompleteSerializer(serializers.Serializer):
    """The payload of the stage being completed (INTERFACES section 5); fields of other stages are ignored."""

    decision = serializers.ChoiceField(
        choices=Route.values,
        required=False,
        help_text="village_check: forward|return; township_review: forward|reject|return; "
        "county_approval: approve|reject|return",
    )
    findings = serializers.CharField(required=False, allow_blank=True, help_text="village_check, township_review")
    missing = serializers.ListField(child=serializers.CharField(), required=False, help_text="materials to supply")
    visit_date = serializers.DateField(required=False, help_text="township_review: the home visit")
    visitors = serializers.CharField(required=False, allow_blank=True, help_text="township_review: who visited")
    reasons = serializers.CharField(required=False, allow_blank=True, help_text="required to reject or return")
    amount = MoneyField(required=False, help_text="county_approval: lower than computed only, with override_reason")
    override_reason = serializers.CharField(required=False, allow_blank=True)
    note = serializers.CharField(required=False, allow_blank=True, help_text="supplement: what was supplied")
    household = HouseholdSerializer(required=False, help_text="supplement: corrected household; recalculates")
    stays = StaySerializer(many=True, required=False, help_text="supplement: corrected stays (all of them)")
    delivered_on = serializers.DateField(required=False, help_text="notice_delivery")
    method = serializers.ChoiceField(choices=DeliveryMethod.values, required=False)
    recipient = serializers.CharField(required=False, allow_blank=True, help_text="notice_delivery: who received it")


# --- notices, verification, history --------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "kind", "number", "sha256", "verification_code", "issued_at"]


class VerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField()
    kind = serializers.CharField()
    number = serializers.CharField()
    issued_at = serializers.CharField()
    authority = serializers.CharField()
    applicant = serializers.CharField(help_text="masked")
    decision = serializers.CharField()
    amount = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField()


class HistoryEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_name")
    details = serializers.DictField(help_text="what the event recorded (facts, decision, amounts)")

    class Meta:
        model = AuditEvent
        fields = ["seq", "at", "actor", "role", "action", "stage", "details", "hash"]


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField()
    otp = serializers.CharField(
        required=False, help_text="the authenticator's code; required for county approvers, finance and admins"
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class OnTimeRowSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    stage = serializers.CharField()
    completed_on_time = serializers.IntegerField()
    completed_late = serializers.IntegerField()
    open_within_limit = serializers.IntegerField()
    open_overdue = serializers.IntegerField()
    on_time_rate = serializers.FloatField(allow_null=True)
    median_days = serializers.FloatField(allow_null=True)
    p90_days = serializers.FloatField(allow_null=True)
