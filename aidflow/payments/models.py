"""Paying what the county approved (资金发放, INTERFACES section 9): batches of lines, the bank's
results per line, and the guarantee that nothing is paid twice."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BatchStatus(models.TextChoices):
    # With the second signature (settings.PAYMENT_SECOND_SIGNATURE, INTERFACES section 15) a batch is
    # prepared, then approved by another person, and only then exported; without it a batch is open at once.
    PREPARED = "prepared", _("Awaiting approval")
    APPROVED = "approved", pgettext_lazy("payment batch", "Approved")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


# The batches whose bank file may be exported and whose results may be recorded.
SENDABLE = (BatchStatus.OPEN, BatchStatus.APPROVED)


class LineKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    CLAIM = "claim", _("Hospital claim")
    PREMIUM = "premium", _("Premium subsidies")


class LineStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting the bank")
    PAID = "paid", _("Paid")
    FAILED = "failed", _("Failed")


class PaymentCounter(models.Model):
    """The last batch number issued per county and year; locked while taking one."""

    county = models.CharField(max_length=12)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["county", "year"], name="payment_counter_unique")]

    def __str__(self) -> str:
        return f"{self.county}-{self.year}: {self.last}"


class PaymentBatch(models.Model):
    """One county's payment run: the lines sent to the bank together; closed once every line has its result."""

    number = models.CharField(_("number"), max_length=40, unique=True)
    county = models.CharField(_("county"), max_length=12, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    count = models.PositiveIntegerField(_("lines"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    # Items left out with the reason (no account): [{"kind", "ref", "reason"}].
    skipped = models.JSONField(_("skipped"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    # The second signature: who approved the batch for the bank, never its preparer.
    approved_by = models.ForeignKey(  # never looked up by: no index on an existing table
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment batch")
        verbose_name_plural = _("payment batches")
        ordering = ["-created_at", "-pk"]
        permissions = [("approve_batch", _("Can approve a payment batch another person prepared"))]

    def __str__(self) -> str:
        return self.number


class PaymentLine(models.Model):
    """One payment of one approved application or settlement claim, with the account as sent."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="lines")
    seq = models.PositiveIntegerField(_("line number"))
    kind = models.CharField(_("kind"), max_length=12, choices=LineKind.choices)
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="payment_lines"
    )
    claim = models.ForeignKey(
        "settlements.SettlementClaim", null=True, blank=True, on_delete=models.PROTECT, related_name="payment_lines"
    )
    # A premium subsidy roster: its total goes to the insurance fund (资助参保).
    roster = models.ForeignKey(
        "subsidies.PremiumRoster",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payment_lines",
        db_index=False,  # the one-live-line index covers it
    )
    ref = models.CharField(_("reference"), max_length=60)
    payee = models.CharField(_("payee"), max_length=200)
    bank = models.CharField(_("bank"), max_length=100)
    account = models.CharField(_("account"), max_length=30)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.PENDING)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    result_at = models.DateTimeField(_("result recorded at"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("payment line")
        verbose_name_plural = _("payment lines")
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="payment_line_seq"),
            # Nothing paid twice: an item has at most one line that is pending or paid, whatever
            # races the services lose (a failed line may be followed by a new one).
            models.UniqueConstraint(
                fields=["application"], condition=~Q(status="failed"), name="payment_line_application_once"
            ),
            models.UniqueConstraint(fields=["claim"], condition=~Q(status="failed"), name="payment_line_claim_once"),
            models.UniqueConstraint(fields=["roster"], condition=~Q(status="failed"), name="payment_line_roster_once"),
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(claim__isnull=True) & Q(roster__isnull=True))
                | (Q(application__isnull=True) & Q(claim__isnull=False) & Q(roster__isnull=True))
                | (Q(application__isnull=True) & Q(claim__isnull=True) & Q(roster__isnull=False)),
                name="payment_line_one_of_three",
            ),
        ]
        indexes = [models.Index(fields=["status", "paid_on"])]

    def __str__(self) -> str:
        return f"{self.batch.number} #{self.seq}"


class HospitalAccountChange(models.Model):
    """One correction of where the county pays a designated hospital, with the account it replaced,
    so a wrong correction can be traced and undone. Written by the payment services only."""

    hospital = models.ForeignKey(
        "rolls.Hospital", verbose_name=_("hospital"), on_delete=models.PROTECT, related_name="account_changes"
    )
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("changed by"), on_delete=models.PROTECT, related_name="+"
    )
    old_bank = models.CharField(_("old bank"), max_length=100, blank=True)
    old_account = models.CharField(_("old account"), max_length=30, blank=True)
    new_bank = models.CharField(_("new bank"), max_length=100, blank=True)
    new_account = models.CharField(_("new account"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("change of a hospital's bank account")
        verbose_name_plural = _("changes of the hospital's bank account")
        ordering = ["hospital", "-changed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.hospital_id} {self.changed_at:%Y-%m-%d %H:%M}"
