"""The case file: the Application record (the process artifact), its household, stays, documents and
the record of each stage's decision."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aidflow.cases.choices import (
    ApplicantRelationship,
    Decision,
    DocumentKind,
    Residence,
    Sex,
    Status,
)
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.core.payment import PaymentFields
from aidflow.policy.models import AidType, Category
from aidflow.regions.codes import county_of, township_of
from aidflow.regions.stages import Stage


class ApplicationCounter(models.Model):
    """The last number issued per county and year; locked while a number is taken, so numbers have no gaps."""

    county_code = models.CharField(max_length=6)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county_code", "year"], name="application_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county_code}-{self.year}: {self.last}"


class Application(PaymentFields):
    """A medical-aid application: who applies, for what, the frozen calculation and where it stands."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    village = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="applications", verbose_name=_("village")
    )
    process = models.OneToOneField(
        "viewflow.Process",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="application",
    )

    # The applicant: the patient, or the patient's guardian or agent (seed 002 line ~1796,
    # "患者本人或其监护人"). `id_number`, sex and birth date are always the patient's.
    applicant_name = models.CharField(_("applicant name"), max_length=50)
    applicant_relationship = models.CharField(
        _("applicant is"), max_length=10, choices=ApplicantRelationship.choices, default=ApplicantRelationship.SELF
    )
    # Only when the applicant is not the patient: the applicant's own ID number, the patient's name.
    applicant_id_number = models.CharField(_("applicant's resident ID number"), max_length=18, blank=True)
    patient_name = models.CharField(_("patient name"), max_length=50, blank=True)
    id_number = models.CharField(_("resident ID number"), max_length=18, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    severely_disabled = models.BooleanField(_("severely disabled (grade 1 or 2)"), default=False)
    seriously_ill = models.BooleanField(_("seriously ill"), default=False)
    insured = models.BooleanField(_("in basic medical insurance"), default=True)

    # Household.
    household_size = models.PositiveSmallIntegerField(_("household size"))
    household_monthly_income = models.DecimalField(_("household monthly income"), max_digits=12, decimal_places=2)
    residence = models.CharField(_("residence"), max_length=5, choices=Residence.choices)

    # A built-in category or one the application's policy version declares (see `category_name`).
    category = models.CharField(_("category"), max_length=20)
    # Whether the category was checked against the county's roll on the filing date (False: no roll yet).
    roll_checked = models.BooleanField(_("checked against a roll"), default=False)
    aid_type = models.CharField(_("aid type"), max_length=20, choices=AidType.choices)
    filing_date = models.DateField(_("filing date"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("filed by")
    )
    filed_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    # The calculation: the policy version, the exact inputs and the result, so the amount can be
    # re-derived years later.
    policy = models.ForeignKey(
        "policy.PolicyVersion", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("policy version")
    )
    calculation_input = models.JSONField(_("calculation input"))
    calculation = models.JSONField(_("calculation"))
    medical_year = models.PositiveSmallIntegerField(_("medical year"))
    computed_amount = models.DecimalField(_("computed amount"), max_digits=12, decimal_places=2)
    remaining_total = models.DecimalField(_("remaining cost"), max_digits=12, decimal_places=2)

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.VILLAGE_CHECK)
    # When the current stage received the case, and its statutory due date (None: no limit applies).
    stage_received_at = models.DateTimeField(_("received at this stage"), default=timezone.now)
    stage_due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    stage_due_provisional = models.BooleanField(_("due date provisional"), default=False)
    # NULL until decided: the API reports `decision: null`, which an empty string would blur.
    decision = models.CharField(  # noqa: DJ001
        _("decision"), max_length=10, choices=Decision.choices, null=True, blank=True
    )
    amount = models.DecimalField(_("approved amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    # Where a supplement goes back to, and what is missing.
    returned_from = models.CharField(_("returned from"), max_length=16, choices=Stage.choices, blank=True)
    missing_materials = models.JSONField(_("missing materials"), default=list, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The day (Asia/Shanghai) the county decided: the month an approval counts in (INTERFACES section 10).
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # Where the county pays the aid (usually the 惠民惠农一卡通); masked everywhere but the bank file.
    payee_name = models.CharField(_("payee"), max_length=50, blank=True)
    payee_bank = models.CharField(_("bank"), max_length=100, blank=True)
    payee_account = models.CharField(_("account"), max_length=30, blank=True)
    # What the county found non-compliant on review: [{"stay", "amount", "reason"}], taken off the
    # stays' compliant costs before the amount is computed (INTERFACES section 11).
    excluded_costs = models.JSONField(_("costs excluded on review"), default=list, blank=True)
    # The calculation's warning codes, comma-framed (",INSURANCE_IMPLAUSIBLE,"), for the list filter.
    warning_codes = models.CharField(_("warnings"), max_length=200, blank=True, default="")
    # The applicant's status code (受理回执): with the number, it opens the public status page.
    status_code = models.CharField(_("status code"), max_length=8, blank=True, default="")

    class Meta(PaymentFields.Meta):
        abstract = False
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-filed_at"]
        indexes = [
            models.Index(fields=["village", "stage"]),
            models.Index(fields=["id_number", "aid_type", "medical_year", "status"]),
            models.Index(fields=["status", "payment_status"]),
            models.Index(fields=["status", "decided_on"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def on_behalf(self) -> bool:
        """The applicant applies for another person (a guardian or an agent)."""
        return self.applicant_relationship != ApplicantRelationship.SELF

    @property
    def patient_full_name(self) -> str:
        return self.patient_name or self.applicant_name

    @property
    def masked_patient_name(self) -> str:
        return mask_name(self.patient_full_name)

    @property
    def masked_name(self) -> str:
        return mask_name(self.applicant_name)

    @property
    def masked_id_number(self) -> str:
        return mask_resident_id(self.id_number)

    @property
    def township_code(self) -> str:
        return township_of(self.village_id)

    @property
    def county_code(self) -> str:
        return county_of(self.village_id)

    @property
    def days_left(self) -> int | None:
        """Days until the current stage's due date (negative when late); None without a limit."""
        if self.stage_due_date is None or self.stage == Stage.CLOSED:
            return None
        return (self.stage_due_date - timezone.localdate()).days

    @property
    def days_overdue(self) -> int:
        return max(0, -(self.days_left or 0))

    @property
    def overdue(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def category_name(self) -> str:
        if self.policy is not None:
            return self.policy.category_name(self.category)
        return str(Category(self.category).label) if self.category in Category.values else self.category

    @property
    def per_capita_income(self):
        return (self.household_monthly_income / self.household_size).quantize(Decimal("0.01"))


class HouseholdMember(models.Model):
    """Another member of the applicant's household, with their monthly income."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(_("relation to the applicant"), max_length=20)
    monthly_income = models.DecimalField(_("monthly income"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("household member")
        verbose_name_plural = _("household members")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relation})"


class HospitalStay(models.Model):
    """One hospital stay with its costs and what insurance and others paid."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="stays")
    index = models.PositiveSmallIntegerField()
    hospital = models.CharField(_("hospital"), max_length=200)
    hospital_level = models.PositiveSmallIntegerField(_("hospital level"))
    admission_date = models.DateField(_("admission date"))
    discharge_date = models.DateField(_("discharge date"))
    total_cost = models.DecimalField(_("total cost"), max_digits=12, decimal_places=2)
    eligible_cost = models.DecimalField(_("compliant cost"), max_digits=12, decimal_places=2)
    basic_insurance = models.DecimalField(_("basic insurance"), max_digits=12, decimal_places=2)
    serious_illness_insurance = models.DecimalField(_("serious-illness insurance"), max_digits=12, decimal_places=2)
    other_insurance = models.DecimalField(_("other insurance"), max_digits=12, decimal_places=2, default=0)
    charity = models.DecimalField(_("charity and social help"), max_digits=12, decimal_places=2, default=0)
    # Paid before medical aid like charity (POLICY section 9): the hospital's reduction and the
    # emergency medical assistance fund.
    hospital_reduction = models.DecimalField(_("hospital reduction"), max_digits=12, decimal_places=2, default=0)
    emergency_fund = models.DecimalField(_("emergency fund"), max_digits=12, decimal_places=2, default=0)
    referral = models.BooleanField(_("referred"), default=False)
    referral_number = models.CharField(_("referral number"), max_length=64, blank=True)
    # Required at filing since diagnoses are recorded; stays filed before that have none.
    diagnosis = models.CharField(_("diagnosis"), max_length=200, blank=True)
    icd10 = models.CharField(_("ICD-10 code"), max_length=20, blank=True)
    hospital_code = models.CharField(_("designated-hospital code"), max_length=30, blank=True)
    # Set when the county approves: whether the stay counted (within the claim window) and its
    # part of the approved aid, in proportion to its remaining cost - what the statistics add up.
    counted = models.BooleanField(_("counted"), default=False)
    aid_share = models.DecimalField(_("share of the aid"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("hospital stay")
        verbose_name_plural = _("hospital stays")
        ordering = ["application", "index"]
        constraints = [models.UniqueConstraint(fields=["application", "index"], name="stay_index_unique")]

    def __str__(self) -> str:
        return f"{self.hospital} {self.admission_date} - {self.discharge_date}"


class StayClaim(models.Model):
    """A hospital stay under a live claim. One stay, one aid: the same person, hospital and
    admission date can be claimed once, whatever the aid type or route (INTERFACES section 4).
    Released when the claim ends without aid (withdrawn or refused)."""

    id_number = models.CharField(_("resident ID number"), max_length=18)
    hospital_key = models.CharField(_("hospital"), max_length=240)
    admission_date = models.DateField(_("admission date"))
    # The claim holding the stay: an application here, or a one-stop settlement (which keeps its
    # own link to this row); `reference` is the holder's number, for the conflict message.
    application = models.ForeignKey(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="stay_claims"
    )
    reference = models.CharField(_("claimed by"), max_length=40, blank=True)
    # Set when the county refused the settlement holding the stay: the fund never pays a stay refused
    # as non-compliant (seed 002 line ~1838, 不予结算); one refused for correction may be settled again,
    # corrected, by the same hospital only. Either way no application may claim it.
    refused = models.CharField(_("refused as"), max_length=20, blank=True, default="")

    class Meta:
        verbose_name = _("claimed stay")
        verbose_name_plural = _("claimed stays")
        constraints = [
            models.UniqueConstraint(fields=["id_number", "hospital_key", "admission_date"], name="one_stay_one_aid"),
        ]

    def __str__(self) -> str:
        return f"{self.hospital_key} {self.admission_date}"


def document_path(instance: Document, filename: str) -> str:
    # A generated name: the uploader's file name never reaches the file system.
    return f"documents/{instance.application_id}/{uuid.uuid4().hex}"


class Document(models.Model):
    """An uploaded material (PDF, JPEG or PNG, checked by content), stored outside the web root."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=30, choices=DocumentKind.choices)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    original_name = models.CharField(_("original file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


# The ledger and the procedure's records live in their own modules; importing them here registers
# their models with the app.
from aidflow.cases.ledger_rows import AidLedgerMonth, AidLedgerRow  # noqa: E402, F401
from aidflow.cases.records import DeadlineNotice, Notification, StageClock, StageRecord  # noqa: E402, F401
