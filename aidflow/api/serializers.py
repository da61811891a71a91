"""API representations. Input is validated by the services (one set of rules for every door); the
request serializers here describe the payloads for the OpenAPI schema and shape nothing else."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aidflow.api.calculation_serializers import (  # noqa: F401 - re-exported for the views
    AID_TYPES,
    MONEY,
    CalculationRequestSerializer,
    CalculationResultSerializer,
    FilingHouseholdSerializer,
    FilingStaySerializer,
    HistorySerializer,
    HouseholdSerializer,
    MemberSerializer,
    MoneyField,
    PatientSerializer,
    PolicyUsedSerializer,
    ReasonSerializer,
    StayResultSerializer,
    StaySerializer,
    WarningSerializer,
)
from aidflow.api.case_outcomes import AppealInfoSerializer, RevocationInfoSerializer, appeals_info, revocation_info
from aidflow.audit.models import AuditEvent
from aidflow.cases.choices import ApplicantRelationship, DeliveryMethod, DocumentKind
from aidflow.cases.models import Application, Decision, StageClock
from aidflow.cases.services.payees import payee_masked
from aidflow.core.payment import PaymentStatus
from aidflow.notices.models import Notice
from aidflow.policy.models import Category
from workflows.models import Route

# --- applications --------------------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(
        required=False,
        help_text="relationship self: the patient's ID number (or give patient.id_number); "
        "guardian or agent: the applicant's own ID number",
    )
    phone = serializers.CharField(required=False)
    relationship = serializers.ChoiceField(
        choices=ApplicantRelationship.values, required=False, default="self", help_text="who applies for the patient"
    )


class FilingPatientSerializer(PatientSerializer):
    name = serializers.CharField(required=False, help_text="required when the applicant is a guardian or agent")
    insured = serializers.BooleanField(required=False, default=True)


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
    patient = FilingPatientSerializer()
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


class ApplicantDetailSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)
    relationship = serializers.ChoiceField(choices=ApplicantRelationship.values)


class PatientDetailSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField()


class ExcludedCostSerializer(serializers.Serializer):
    stay = serializers.IntegerField()
    amount = serializers.CharField()
    reason = serializers.CharField()


class ApplicantMessageSerializer(serializers.Serializer):
    kind = serializers.CharField()
    phone = serializers.CharField(help_text="masked")
    text = serializers.CharField()
    status = serializers.ChoiceField(choices=["pending", "sent", "failed", "skipped"])
    error = serializers.CharField()
    at = serializers.DateTimeField()


class ApplicationDetailSerializer(ApplicationListSerializer):
    applicant = serializers.SerializerMethodField()
    patient = serializers.SerializerMethodField()
    excluded_costs = ExcludedCostSerializer(many=True)
    category_checked = serializers.SerializerMethodField()
    payment = serializers.SerializerMethodField()
    notice_pending = serializers.SerializerMethodField()
    payee = serializers.SerializerMethodField()
    calculation = CalculationResultSerializer()
    tasks = TaskInfoSerializer(source="clocks", many=True)
    computed_amount = MoneyField()
    missing_materials = serializers.ListField(child=serializers.CharField())
    status_code = serializers.CharField(
        help_text="the applicant's status code, printed on the receipt; with the number it opens /status/"
    )
    messages = ApplicantMessageSerializer(source="applicant_messages", many=True)
    revocation = serializers.SerializerMethodField()
    appeals = serializers.SerializerMethodField()

    class Meta(ApplicationListSerializer.Meta):
        fields = [
            *ApplicationListSerializer.Meta.fields,
            "status_code",
            "messages",
            "revocation",
            "appeals",
            "computed_amount",
            "missing_materials",
            "calculation",
            "tasks",
            "payment",
            "payee",
            "notice_pending",
            "patient",
            "excluded_costs",
            "category_checked",
        ]

    @extend_schema_field(RevocationInfoSerializer(allow_null=True))
    def get_revocation(self, application) -> dict | None:
        """The approval's revocation, or null while it stands."""
        return revocation_info(application)

    @extend_schema_field(AppealInfoSerializer(many=True))
    def get_appeals(self, application) -> list[dict]:
        """Reconsiderations and lawsuits against the case's decision, oldest first."""
        return appeals_info(application)

    @extend_schema_field(ApplicantDetailSerializer())
    def get_applicant(self, application) -> dict:
        """Who applied: the patient (relationship self) or a guardian or agent on the patient's behalf."""
        return {
            "name": application.applicant_name,
            "id_number": application.applicant_id_number if application.on_behalf else application.id_number,
            "phone": application.phone,
            "relationship": application.applicant_relationship,
        }

    @extend_schema_field(PatientDetailSerializer())
    def get_patient(self, application) -> dict:
        return {"name": application.patient_full_name, "id_number": application.id_number}

    @extend_schema_field(serializers.ChoiceField(choices=["roll", "certificate", "not_applicable"]))
    def get_category_checked(self, application) -> str:
        """How the category was established: on the county's roll, on a certificate where the county
        keeps no roll (INTERFACES section 11), or not applicable (low-income, tested on income)."""
        if application.category == "low_income":
            return "not_applicable"
        return "roll" if application.roll_checked else "certificate"

    @extend_schema_field(serializers.BooleanField())
    def get_notice_pending(self, application) -> bool:
        """True while a decision notice's PDF is still being rendered (delivery waits for it)."""
        return application.notices.filter(sha256="").exists()

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, application) -> dict | None:
        """Once approved: unpaid, in_batch, paid or failed, with the batch number and the day paid;
        null for an approval at 0.00, which pays nothing."""
        if application.status != "approved" or not application.amount:
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
    amount = MoneyField(
        required=False, help_text="county_approval: optional; if given it must equal the computed amount"
    )
    excluded_costs = ExcludedCostSerializer(
        many=True,
        required=False,
        help_text="county_approval: costs found non-compliant on review, [{stay, amount, reason}]; the amount is "
        "computed again without them",
    )
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
