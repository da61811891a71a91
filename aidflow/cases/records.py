"""The case file's records around the procedure: each stage's clock and decision record, deadline
reminders sent, and in-app notifications. Kept beside models.py, which imports them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aidflow.cases.choices import ClockOutcome, DeliveryMethod, NotificationKind, ReminderKind, StageAction
from aidflow.regions.stages import Stage

LIVE_FIELDS = ["received_at", "township", "stage", "outcome", "due_date", "completed_at"]
TO_ROLL = models.Q(rolled_up=False) & ~models.Q(outcome="open")


class StageClock(models.Model):
    """One stage's statutory clock: received, due, and when and how it ended."""

    application = models.ForeignKey("cases.Application", on_delete=models.CASCADE, related_name="clocks")
    task = models.OneToOneField("viewflow.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    region = models.CharField(_("region"), max_length=12, db_index=True)
    received_at = models.DateTimeField(_("received at"))
    days = models.PositiveSmallIntegerField(_("days allowed"), null=True, blank=True)
    counting = models.CharField(_("counting"), max_length=10, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=ClockOutcome.choices, default=ClockOutcome.OPEN)
    # The township of the case's village, whatever the stage: statistics group by it without a join.
    township = models.CharField(_("township"), max_length=9, blank=True, default="")
    # Folded into the on-time rollup (aidflow.reports.rollup); only a closed clock, which never changes, is.
    rolled_up = models.BooleanField(_("rolled up"), default=False)

    class Meta:
        verbose_name = _("stage clock")
        verbose_name_plural = _("stage clocks")
        ordering = ["received_at", "pk"]
        indexes = [
            models.Index(fields=["outcome", "due_date"]),
            models.Index(fields=["stage", "received_at"]),
            # Small and covering: the clocks the statistics count live (open ones, recently closed ones);
            # and the rollup's to-do list, read in id order.
            models.Index(fields=LIVE_FIELDS, condition=models.Q(rolled_up=False), name="cases_clock_live"),
            models.Index(fields=["id"], condition=TO_ROLL, name="cases_clock_to_roll"),
        ]

    def __str__(self) -> str:
        return f"{self.application_id} {self.stage} due {self.due_date}"

    @property
    def late(self) -> bool | None:
        """Completed after the due date (None while open or without a limit)."""
        if self.due_date is None or self.completed_at is None:
            return None
        return timezone.localtime(self.completed_at).date() > self.due_date


class StageRecord(models.Model):
    """What one person decided at one stage, on what facts: the case page's timeline."""

    application = models.ForeignKey("cases.Application", on_delete=models.PROTECT, related_name="records")
    task = models.OneToOneField("viewflow.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    action = models.CharField(_("action"), max_length=20, choices=StageAction.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    findings = models.TextField(_("findings"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    missing = models.JSONField(_("missing materials"), default=list, blank=True)
    visit_date = models.DateField(_("home visit date"), null=True, blank=True)
    visitors = models.CharField(_("visited by"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2, null=True, blank=True)
    override_reason = models.TextField(_("reason for a lower amount"), blank=True)
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery method"), max_length=12, choices=DeliveryMethod.choices, blank=True)
    recipient = models.CharField(_("recipient"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("stage record")
        verbose_name_plural = _("stage records")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.stage} {self.action} by {self.actor_id}"


class DeadlineNotice(models.Model):
    """That a reminder or escalation was sent for a clock: each kind at most once per clock."""

    clock = models.ForeignKey(StageClock, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "kind"], name="deadline_notice_once")]

    def __str__(self) -> str:
        return f"{self.kind} for clock {self.clock_id}"


class Notification(models.Model):
    """An in-app message for one user: the bell in the top bar counts the unread ones."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    application = models.ForeignKey(
        "cases.Application", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=NotificationKind.choices)
    text = models.CharField(_("text"), max_length=300)
    # Where to act, for a notification about no application (a claim, a batch, a verification).
    link = models.CharField(_("link"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text
