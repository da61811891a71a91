"""Premium subsidies (资助参保, seed 002 line ~1776; INTERFACES section 12): each year the county pays
the individual premium of basic medical insurance for every 特困 and 低保 person on its rolls. A
roster is built from the rolls on the policy's reference day, confirmed by the county approver, sent
to the insurance agency (XLSX), its confirmation recorded back, and its total paid to the insurance
fund through a payment batch. Nobody is subsidised twice for one county and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aidflow.core.payment import PaymentStatus


class RosterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft: review and confirm")
    CONFIRMED = "confirmed", _("Confirmed: payable, sent to the insurance agency")
    RECORDED = "recorded", _("The agency's confirmation recorded")


class PremiumRoster(models.Model):
    number = models.CharField(_("number"), max_length=40, unique=True)
    county = models.CharField(_("county"), max_length=6, db_index=True)
    year = models.PositiveSmallIntegerField(_("year"))
    # A roster after the year's first: people who joined a roll after the reference day.
    supplementary = models.BooleanField(_("supplementary"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=RosterStatus.choices, default=RosterStatus.DRAFT)
    policy_code = models.CharField(_("policy"), max_length=64)
    reference_date = models.DateField(_("reference day of the rolls"))
    amount = models.DecimalField(_("premium per person"), max_digits=10, decimal_places=2)
    count = models.PositiveIntegerField(_("persons"))
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("built at"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The insurance fund's account the total is paid to.
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    account = models.CharField(_("account"), max_length=30, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.UNPAID
    )
    payment_batch = models.CharField(_("payment batch"), max_length=40, blank=True)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    results_at = models.DateTimeField(_("agency's confirmation recorded at"), null=True, blank=True)
    results_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    results_sha256 = models.CharField(_("SHA-256 of the agency's file"), max_length=64, blank=True)
    accepted = models.PositiveIntegerField(_("accepted by the agency"), default=0)
    rejected = models.PositiveIntegerField(_("rejected by the agency"), default=0)

    class Meta:
        verbose_name = _("premium subsidy roster")
        verbose_name_plural = _("premium subsidy rosters")
        ordering = ["-year", "-created_at", "-pk"]
        constraints = [
            # One roster at a time in draft per county and year.
            models.UniqueConstraint(
                fields=["county", "year"], condition=models.Q(status="draft"), name="premium_roster_one_draft"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PremiumEntry(models.Model):
    roster = models.ForeignKey(PremiumRoster, on_delete=models.CASCADE, related_name="entries")
    county = models.CharField(_("county"), max_length=6)
    year = models.PositiveSmallIntegerField(_("year"))
    id_number = models.CharField(_("resident ID number"), max_length=18)
    name = models.CharField(_("name"), max_length=50)
    category = models.CharField(_("category"), max_length=20)
    region = models.CharField(_("region"), max_length=12)
    amount = models.DecimalField(_("premium"), max_digits=10, decimal_places=2)
    # The agency's answer: "" until recorded, then accepted or rejected with its reason.
    result = models.CharField(_("agency's answer"), max_length=10, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("premium subsidy")
        verbose_name_plural = _("premium subsidies")
        ordering = ["roster", "id_number"]
        constraints = [
            # Nobody subsidised twice for one county and year, whatever races the builders lose.
            models.UniqueConstraint(fields=["county", "year", "id_number"], name="premium_once_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.id_number[-4:]}"
