"""Stage clocks: each open task has one, with the due date its policy's day limit sets."""

from __future__ import annotations

from aidflow.calendars.services import due_date
from aidflow.cases.choices import ClockOutcome
from aidflow.cases.models import Application, StageClock
from aidflow.regions.codes import township_of
from aidflow.regions.stages import Stage, stage_rule


def clock_open(application: Application, now, task) -> None:
    """Start the clock of the application's new open task (`task`, as the flow opened it, or None),
    and mirror its due date on the application."""
    if task is None or application.stage == Stage.CLOSED:
        application.stage_due_date, application.stage_due_provisional = None, False
        return
    rule = stage_rule(application.stage)
    limit = (application.policy.stage_limits if application.policy else {}).get(application.stage)
    due = due_date(received=now, days=limit["days"], counting=limit["counting"]) if limit and rule.limited else None
    StageClock.objects.create(
        application=application,
        task=task,
        stage=application.stage,
        region=rule.region_code(application.village_id),
        township=township_of(application.village_id),
        received_at=now,
        days=limit["days"] if due else None,
        counting=limit["counting"] if due else "",
        due_date=due.date if due else None,
        provisional=due.provisional if due else False,
    )
    application.stage_received_at = now
    application.stage_due_date = due.date if due else None
    application.stage_due_provisional = due.provisional if due else False


def clock_close(application: Application, *, user, now, outcome: str) -> None:
    """Stop the application's open clock: done, returned or canceled."""
    StageClock.objects.filter(application=application, outcome=ClockOutcome.OPEN).update(
        completed_at=now, completed_by=user, outcome=outcome
    )
