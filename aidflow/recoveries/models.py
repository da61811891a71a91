"""Revocation and recovery (INTERFACES section 13): the county approver takes back an approval or a
one-stop settlement (fraud, error); what was already paid becomes a recovery owed by the payee or by
the hospital, settled by repayments, offsets against the hospital's next claim, or an approved
write-off."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RevocationKind(models.TextChoices):
    APPLICATION = "application", _("Approval of an application")
    SETTLEMENT = "settlement", _("One-stop settlement")


class Revocation(models.Model):
    """One revoked approval or settlement; at most one each (the database refuses a second)."""

    kind = models.CharField(_("kind"), max_length=12, choices=RevocationKind.choices)
    application = models.OneToOneField(
        "cases.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="revocation"
    )
    settlement = models.OneToOneField(
        "settlements.Settlement", null=True, blank=True, on_delete=models.PROTECT, related_name="revocation"
    )
    reference = models.CharField(_("case"), max_length=60)
    county = models.CharField(_("county"), max_length=12, db_index=True)
    region = models.CharField(_("region"), max_length=12)
    id_number = models.CharField(_("resident ID number"), max_length=18, db_index=True)
    name = models.CharField(_("name"), max_length=50)
    reasons = models.TextField(_("reasons"))
    facts = models.TextField(_("facts"))
    # The aid revoked, and what of it had been paid out when it was revoked.
    amount = models.DecimalField(_("aid revoked"), max_digits=12, decimal_places=2)
    paid = models.DecimalField(_("paid before revocation"), max_digits=12, decimal_places=2)
    notice = models.OneToOneField("notices.Notice", on_delete=models.PROTECT, related_name="revocation")
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"))

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")
        ordering = ["-revoked_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(settlement__isnull=True))
                | (Q(application__isnull=True) & Q(settlement__isnull=False)),
                name="revocation_one_item",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class DebtorKind(models.TextChoices):
    PAYEE = "payee", _("Payee")
    HOSPITAL = "hospital", _("Hospital")


class RecoveryStatus(models.TextChoices):
    OPEN = "open", _("Owed")
    SETTLED = "settled", _("Settled")


class Recovery(models.Model):
    """Money owed back after a revocation. `outstanding` is what is still owed: the amount less
    repayments, offsets and approved write-offs; written by the recovery services only."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    revocation = models.OneToOneField(Revocation, on_delete=models.PROTECT, related_name="recovery")
    county = models.CharField(_("county"), max_length=12)
    debtor_kind = models.CharField(_("owed by"), max_length=10, choices=DebtorKind.choices)
    debtor = models.CharField(_("debtor"), max_length=200)
    hospital = models.ForeignKey(
        "rolls.Hospital", null=True, blank=True, on_delete=models.PROTECT, related_name="recoveries"
    )
    amount = models.DecimalField(_("amount owed"), max_digits=12, decimal_places=2)
    repaid = models.DecimalField(_("repaid"), max_digits=12, decimal_places=2, default=0)
    offset = models.DecimalField(_("offset"), max_digits=12, decimal_places=2, default=0)
    written_off = models.DecimalField(_("written off"), max_digits=12, decimal_places=2, default=0)
    outstanding = models.DecimalField(_("outstanding"), max_digits=12, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN)
    created_at = models.DateTimeField(_("created at"))
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery")
        verbose_name_plural = _("recoveries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["county", "status"]), models.Index(fields=["hospital", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(outstanding__gte=0), name="recovery_never_below_zero"),
        ]

    def __str__(self) -> str:
        return self.number


class EntryKind(models.TextChoices):
    REPAYMENT = "repayment", _("Repayment")
    OFFSET = "offset", _("Offset against a claim")
    WRITE_OFF = "write_off", _("Write-off")


class EntryStatus(models.TextChoices):
    # A write-off waits for the county approver's sign-off; every other entry is recorded at once.
    PROPOSED = "proposed", _("Awaiting sign-off")
    RECORDED = "recorded", _("Recorded")
    REFUSED = "refused", _("Refused")


class RecoveryEntry(models.Model):
    """One repayment, offset or write-off of a recovery."""

    recovery = models.ForeignKey(Recovery, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("kind"), max_length=10, choices=EntryKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.RECORDED)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    day = models.DateField(_("day"))
    note = models.TextField(_("note"), blank=True)
    # The claim whose payment an offset reduced.
    claim = models.ForeignKey(
        "settlements.SettlementClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="offsets"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("signed off at"), null=True, blank=True)

    class Meta:
        verbose_name = _("recovery entry")
        verbose_name_plural = _("recovery entries")
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="recovery_entry_positive"),
            # One write-off waits at a time.
            models.UniqueConstraint(
                fields=["recovery"], condition=Q(status="proposed"), name="recovery_one_proposed_write_off"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recovery.number} {self.kind} {self.amount}"


class RecoveryCounter(models.Model):
    """The last recovery number per county and year; locked while taking one."""

    county = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="recovery_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county}-{self.year}: {self.last}"
