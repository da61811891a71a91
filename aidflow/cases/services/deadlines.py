"""Deadline sweep: a reminder the day before a stage is due, an escalation one level up when it is late.

Run by Celery beat every 15 minutes (or cron, see README). Idempotent: each clock gets each kind
of notice at most once, guarded by a unique constraint.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import connection, transaction
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


SWEEP_BATCH = 1000
# Held (per transaction) while a batch is written, so two sweeps never send the same notice.
SWEEP_LOCK_KEY = 7_311_540_002


def _recipient_key(stage: str, village_code: str, *, escalate: bool) -> tuple[str, str]:
    """(role, region) of who works the stage for this village, or (escalate) of who stands above."""
    rule = stage_rule(stage)
    if escalate:
        return rule.escalation_role, rule.escalation_region_code(village_code)
    return rule.role, rule.region_code(village_code)


def recipients_by_region(keys: set[tuple[str, str]]) -> dict[tuple[str, str], list]:
    """The active staff for each (role, region) asked for, in one query."""
    found: dict[tuple[str, str], list] = {key: [] for key in keys}
    if not keys:
        return found
    profiles = StaffProfile.objects.filter(
        role__in={role for role, _region in keys},
        region_id__in={region for _role, region in keys},
        user__is_active=True,
    ).select_related("user")
    for profile in profiles.order_by("pk"):
        key = (profile.role, profile.region_id)
        if key in found:
            found[key].append(profile.user)
    return found


def _mail(messages: list[tuple[str, str, list[str]]]) -> None:
    """A batch's mail over one connection to the mail server (not one connection per message)."""
    send_mass_mail(
        [(subject, text, settings.DEFAULT_FROM_EMAIL, addresses) for subject, text, addresses in messages],
        fail_silently=True,
    )


def _batch_send(batch: list[tuple[StageClock, str]], result: SweepResult) -> None:
    """One batch in one transaction: recipients in one query, notices and notifications in bulk;
    the batch's mail goes after the commit, over one connection."""
    keys = {
        (clock.pk, kind): _recipient_key(
            clock.stage, clock.application.village_id, escalate=kind == ReminderKind.OVERDUE
        )
        for clock, kind in batch
    }
    people = recipients_by_region(set(keys.values()))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        # Under the lock: what another sweep sent meanwhile is skipped.
        sent = set(
            DeadlineNotice.objects.filter(clock__in=[clock.pk for clock, _kind in batch]).values_list(
                "clock_id", "kind"
            )
        )
        notices, notifications, mails = [], [], []
        for clock, kind in batch:
            if (clock.pk, kind) in sent:
                continue
            users = people[keys[(clock.pk, kind)]]
            application = clock.application
            text = str(MESSAGES[kind]) % {
                "number": application.number,
                "stage": Stage(clock.stage).label,
                "due": clock.due_date.isoformat(),
            }
            notices.append(DeadlineNotice(clock=clock, kind=kind, recipients=len(users)))
            notifications += [
                Notification(recipient=user, application=application, kind=kind, text=text) for user in users
            ]
            addresses = [user.email for user in users if user.email]
            if addresses:
                mails.append((f"[AidFlow] {text}"[:200], text, addresses))
            result.notifications += len(users)
            if kind == ReminderKind.DUE_SOON:
                result.reminders += 1
            else:
                result.escalations += 1
        DeadlineNotice.objects.bulk_create(notices, batch_size=SWEEP_BATCH)
        Notification.objects.bulk_create(notifications, batch_size=SWEEP_BATCH)
        if mails:
            transaction.on_commit(lambda: _mail(mails))


def deadlines_sweep(*, now: datetime.datetime | None = None) -> SweepResult:
    """Send what is due now and nothing twice: the open clocks due today or tomorrow, or late, that
    have not had that notice yet, in batches (a constant number of queries per batch)."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    result = SweepResult()
    open_clocks = (
        StageClock.objects.filter(outcome=ClockOutcome.OPEN, due_date__isnull=False)
        .select_related("application")
        .only("pk", "stage", "due_date", "application__number", "application__village_id")
    )
    soon = open_clocks.filter(due_date__in=[today, today + datetime.timedelta(days=1)]).exclude(
        notices__kind=ReminderKind.DUE_SOON
    )
    late = open_clocks.filter(due_date__lt=today).exclude(notices__kind=ReminderKind.OVERDUE)
    work = [(clock, ReminderKind.DUE_SOON) for clock in soon.order_by("pk")]
    work += [(clock, ReminderKind.OVERDUE) for clock in late.order_by("pk")]
    for start in range(0, len(work), SWEEP_BATCH):
        _batch_send(work[start : start + SWEEP_BATCH], result)
    return result
