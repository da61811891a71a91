"""Reconsideration (行政复议) and lawsuits (行政诉讼) against a delivered decision notice, and their outcomes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealKind(models.TextChoices):
    RECONSIDERATION = "reconsideration", _("Administrative reconsideration")
    LAWSUIT = "lawsuit", _("Administrative lawsuit")


class AppealOutcome(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    REVOKED = "revoked", _("Decision revoked")
    CHANGED = "changed", _("Decision changed")
    WITHDRAWN = "withdrawn", _("Appeal withdrawn")


# The outcomes that send the case back to the county to decide again.
REOPENING = (AppealOutcome.REVOKED, AppealOutcome.CHANGED)


class Appeal(models.Model):
    """One reconsideration application or lawsuit against a case's delivered decision, and its outcome."""

    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="appeals")
    # The decision notice (决定书) appealed, and the delivery its period is counted from.
    notice = models.ForeignKey(
        "notices.Notice", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("notice")
    )
    delivered_on = models.DateField(_("delivered on"))
    kind = models.CharField(_("kind"), max_length=20, choices=AppealKind.choices)
    received_on = models.DateField(_("received on"))
    # The reconsideration body (复议机关) or the court.
    body = models.CharField(_("reconsideration body or court"), max_length=200)
    case_number = models.CharField(_("case number"), max_length=80)
    # The last day of the period (60 days or 6 months from delivery) when the appeal was recorded.
    period_ends = models.DateField(_("period ends"))
    late_reason = models.TextField(_("reason for accepting it late"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    outcome = models.CharField(_("outcome"), max_length=12, choices=AppealOutcome.choices, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_document = models.ForeignKey(
        "cases.Document",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decision document"),
    )
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # When the outcome sent the case back to the county to decide again.
    reopened_at = models.DateTimeField(_("case reopened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["received_on", "pk"]
        indexes = [models.Index(fields=["received_on"]), models.Index(fields=["decided_on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_number}"

    @property
    def late(self) -> bool:
        return self.received_on > self.period_ends
