"""One-stop settlement at the hospital (一站式结算) and the hospitals' monthly claims (月度结算申请),
INTERFACES section 8."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aidflow.core.payment import PaymentFields
from aidflow.policy.models import AidType


class SettlementStatus(models.TextChoices):
    # Settled at the window, not yet claimed: the hospital may still reverse it.
    SETTLED = "settled", _("Settled")
    CLAIMED = "claimed", _("Claimed")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    REVERSED = "reversed", _("Reversed")


# The statuses whose aid counts in the person's annual history and holds the stay.
LIVE_STATUSES = (SettlementStatus.SETTLED, SettlementStatus.CLAIMED, SettlementStatus.APPROVED)


class RefusalCode(models.TextChoices):
    """Why a settlement was refused in a claim's review (INTERFACES section 11)."""

    NON_COMPLIANT = "non_compliant", _("Non-compliant: the fund does not pay this stay")
    CORRECTION_NEEDED = "correction_needed", _("To be corrected and settled again by the hospital")
    # The reasons of INTERFACES section 15 (seed 002 line ~1838): refused as non-compliant, for
    # that reason; a part of a settlement may be refused for them too.
    OVER_CATALOGUE = "over_catalogue", _("Drugs outside the catalogue")
    OVER_PRICE = "over_price", _("Charges above the standard")
    SPLIT_STAY = "split_stay", _("Stay split in two")
    BED_BLOCKING = "bed_blocking", _("Bed kept without treatment")
    FICTITIOUS = "fictitious", _("Fictitious stay")
    OTHER = "other", _("Other")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class SettlementCounter(models.Model):
    """The last number issued per series (hospital and kind) and year; locked while taking one."""

    prefix = models.CharField(max_length=40)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["prefix", "year"], name="settlement_counter_unique")]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last}"


class SettlementClaim(PaymentFields):
    """A hospital's claim on one paying county for the aid it advanced, reviewed by that county."""

    number = models.CharField(_("number"), max_length=60, unique=True)
    hospital = models.ForeignKey(
        "rolls.Hospital", verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="claims"
    )
    # The paying county (INTERFACES section 8, "Whose money, whose rules").
    county = models.CharField(_("paying county"), max_length=12)
    month = models.CharField(_("month"), max_length=7)
    status = models.CharField(_("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED)
    count = models.PositiveIntegerField(_("settlements"))
    amount = models.DecimalField(_("amount claimed"), max_digits=14, decimal_places=2)
    approved_amount = models.DecimalField(_("amount approved"), max_digits=14, decimal_places=2, null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    # The risk review (INTERFACES section 15): settlements flagged or drawn at submission, and how
    # many the approver marked as looked at (refused ones count) when reviewing.
    flagged_count = models.PositiveIntegerField(_("flagged"), default=0)
    sampled_count = models.PositiveIntegerField(_("drawn for review"), default=0)
    reviewed_count = models.PositiveIntegerField(_("looked at"), default=0)

    class Meta(PaymentFields.Meta):
        abstract = False
        verbose_name = _("settlement claim")
        verbose_name_plural = _("settlement claims")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["hospital", "status"])]

    def __str__(self) -> str:
        return self.number


class Settlement(models.Model):
    """A key recipient's aid computed and advanced at the hospital window at discharge."""

    number = models.CharField(_("number"), max_length=60, unique=True)
    hospital = models.ForeignKey(
        "rolls.Hospital", verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="settlements"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SettlementStatus.choices, default=SettlementStatus.SETTLED
    )
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    settled_at = models.DateTimeField(_("settled at"))

    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    # From the roll on the discharge date: the category and whose roll it is (the paying county).
    category = models.CharField(_("category"), max_length=20)
    region = models.CharField(_("roll region"), max_length=12)
    county = models.CharField(_("paying county"), max_length=12)
    insured = models.BooleanField(_("in basic medical insurance"), default=True)
    aid_type = models.CharField(_("aid type"), max_length=20, choices=AidType.choices)

    admission_date = models.DateField(_("admission date"))
    discharge_date = models.DateField(_("discharge date"))
    total_cost = models.DecimalField(_("total cost"), max_digits=12, decimal_places=2)
    eligible_cost = models.DecimalField(_("compliant cost"), max_digits=12, decimal_places=2)
    basic_insurance = models.DecimalField(_("basic insurance"), max_digits=12, decimal_places=2)
    serious_illness_insurance = models.DecimalField(_("serious-illness insurance"), max_digits=12, decimal_places=2)
    other_insurance = models.DecimalField(_("other insurance"), max_digits=12, decimal_places=2)
    charity = models.DecimalField(_("charity"), max_digits=12, decimal_places=2)
    hospital_reduction = models.DecimalField(_("hospital reduction"), max_digits=12, decimal_places=2, default=0)
    emergency_fund = models.DecimalField(_("emergency fund"), max_digits=12, decimal_places=2, default=0)
    # A registered poor patient (建档立卡贫困人口) is treated first and pays afterwards: no deposit.
    pay_first = models.BooleanField(_("treated first, paid afterwards"), default=False)
    diagnosis = models.CharField(_("diagnosis"), max_length=200)
    icd10 = models.CharField(_("ICD-10"), max_length=20, blank=True)

    amount = models.DecimalField(_("aid"), max_digits=12, decimal_places=2)
    patient_pays = models.DecimalField(_("patient pays"), max_digits=12, decimal_places=2)
    # The stay's compliant cost left after every other payer: counts in the annual history.
    remaining_total = models.DecimalField(_("remaining cost"), max_digits=12, decimal_places=2)
    medical_year = models.PositiveSmallIntegerField(_("medical year"))
    policy = models.ForeignKey(
        "policy.PolicyVersion", verbose_name=_("policy"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    calculation_input = models.JSONField(_("calculation input"))
    calculation = models.JSONField(_("calculation"))

    stay_claim = models.OneToOneField(
        "cases.StayClaim", null=True, blank=True, on_delete=models.SET_NULL, related_name="settlement"
    )
    claim = models.ForeignKey(
        SettlementClaim,
        verbose_name=_("claim"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="settlements",
    )
    ended_at = models.DateTimeField(_("reversed or refused at"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.TextField(_("reason for reversal or refusal"), blank=True)
    # Why the county refused it in a claim (INTERFACES section 11): non_compliant (the fund never
    # pays the stay) or correction_needed (the same hospital may settle it again, corrected).
    refusal_code = models.CharField(_("refused as"), max_length=20, choices=RefusalCode.choices, blank=True)
    # Risk flags set when it is claimed: [{"code", "message"}] (INTERFACES section 15); `flagged`
    # orders the claim's review (flagged and drawn first).
    # Part of its compliant cost refused in the claim's review, and the aid that took off `amount`.
    part_refused_cost = models.DecimalField(_("cost refused"), max_digits=12, decimal_places=2, null=True, blank=True)
    part_refused_aid = models.DecimalField(_("aid refused"), max_digits=12, decimal_places=2, null=True, blank=True)
    flags = models.JSONField(_("risk flags"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged"), default=False)

    class Meta:
        verbose_name = _("one-stop settlement")
        verbose_name_plural = _("one-stop settlements")
        ordering = ["-settled_at", "-pk"]
        indexes = [
            models.Index(fields=["hospital", "status", "discharge_date"]),
            models.Index(fields=["county", "status", "discharge_date"]),
            models.Index(fields=["id_number", "aid_type", "medical_year"]),
        ]

    def __str__(self) -> str:
        return self.number
