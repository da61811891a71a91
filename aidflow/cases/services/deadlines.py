"""Deadline sweep: a reminder the day before a stage is due, an escalation one level up when it is late.

Run by Celery beat every 15 minutes (or cron, see README). Idempotent: each clock gets each kind
of notice at most once, guarded by a unique constraint.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from aidflow.cases.choices import ClockOutcome, ReminderKind
from aidflow.cases.models import DeadlineNotice, Notification, StageClock
from aidflow.regions.models import StaffProfile
from aidflow.regions.stages import Stage, stage_rule

MESSAGES = {
    ReminderKind.DUE_SOON: gettext_lazy("%(number)s: %(stage)s is due on %(due)s."),
    ReminderKind.OVERDUE: gettext_lazy("%(number)s: %(stage)s is overdue since %(due)s; please follow up."),
}


@dataclass
class SweepResult:
    reminders: int = 0
    escalations: int = 0
    notifications: int = 0


def recipients_for(stage: str, village_code: str, *, escalate: bool) -> list:
    """Who works the stage for this village, or (escalate) who stands one level above them."""
    rule = stage_rule(stage)
    if escalate:
        role, region = rule.escalation_role, rule.escalation_region_code(village_code)
    else:
        role, region = rule.role, rule.region_code(village_code)
    profiles = StaffProfile.objects.filter(role=role, region_id=region, user__is_active=True)
    return [profile.user for profile in profiles.select_related("user")]


def _notify(clock: StageClock, kind: str, users: list, text: str) -> int:
    Notification.objects.bulk_create(
        Notification(recipient=user, application=clock.application, kind=kind, text=text) for user in users
    )
    addresses = [user.email for user in users if user.email]
    if addresses:
        subject = f"[AidFlow] {text}"[:200]
        transaction.on_commit(
            lambda: send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=True)
        )
    return len(users)


def deadlines_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Send what is due now and nothing twice."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    result = SweepResult()
    open_clocks = StageClock.objects.filter(outcome=ClockOutcome.OPEN, due_date__isnull=False).select_related(
        "application"
    )
    work = [
        (clock, ReminderKind.DUE_SOON)
        for clock in open_clocks.filter(due_date__in=[today, today + datetime.timedelta(days=1)])
    ]
    work += [(clock, ReminderKind.OVERDUE) for clock in open_clocks.filter(due_date__lt=today)]
    sent_before = set(
        DeadlineNotice.objects.filter(clock__in=[clock for clock, _kind in work]).values_list("clock_id", "kind")
    )
    for clock, kind in work:
        if (clock.pk, kind) in sent_before:
            continue
        application = clock.application
        users = recipients_for(clock.stage, application.village_id, escalate=kind == ReminderKind.OVERDUE)
        text = str(MESSAGES[kind]) % {
            "number": application.number,
            "stage": Stage(clock.stage).label,
            "due": clock.due_date.isoformat(),
        }
        try:
            with transaction.atomic():
                notice = DeadlineNotice.objects.create(clock=clock, kind=kind, recipients=len(users))
                result.notifications += _notify(clock, kind, users, text)
        except IntegrityError:
            continue  # another sweep sent it in the meantime
        if kind == ReminderKind.DUE_SOON:
            result.reminders += 1
        else:
            result.escalations += 1
        del notice
    return result
