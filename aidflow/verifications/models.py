"""Patients asked (INTERFACES section 15, item 3): a settlement drawn for review, or one the county
asks about, gets a verification for the patient's township - a visit or a call: did the stay happen,
what did the patient pay. An answer that contradicts the slip is a finding; the county then refuses
the settlement in its claim's review or, once paid, revokes it and recovers the money."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VerificationReason(models.TextChoices):
    SAMPLED = "sampled", _("Drawn in the claim's sample")
    REQUESTED = "requested", _("Asked for by the county")


class VerificationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the answer")
    ANSWERED = "answered", _("Answered")


class VerificationMethod(models.TextChoices):
    VISIT = "visit", _("Home visit")
    CALL = "call", _("Telephone call")


class Verification(models.Model):
    settlement = models.OneToOneField(
        "settlements.Settlement", on_delete=models.PROTECT, related_name="verification", verbose_name=_("settlement")
    )
    # The settlement's roll region (the township answers) and its paying county (the county acts).
    region = models.CharField(_("region"), max_length=12, db_index=True)
    county = models.CharField(_("county"), max_length=12)
    reason = models.CharField(_("why"), max_length=12, choices=VerificationReason.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked on"))
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=10, choices=VerificationStatus.choices, default=VerificationStatus.OPEN
    )
    method = models.CharField(_("how"), max_length=10, choices=VerificationMethod.choices, blank=True)
    stay_happened = models.BooleanField(_("the stay happened"), null=True, blank=True)
    patient_paid = models.DecimalField(_("the patient says they paid"), max_digits=12, decimal_places=2, null=True)
    note = models.TextField(_("note"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    # The answer contradicts the slip: what it contradicts, for the county's refusal or recovery.
    finding = models.BooleanField(_("finding"), default=False)
    finding_text = models.TextField(_("finding"), blank=True)

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        indexes = [models.Index(fields=["county", "status", "due_date"], name="verification_county_status")]

    def __str__(self) -> str:
        return f"{self.settlement_id}: {self.status}"
