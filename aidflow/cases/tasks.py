"""Background tasks (Celery when a broker is configured; inline otherwise)."""

from celery import shared_task

from aidflow.cases.services.deadlines import deadlines_sweep


@shared_task(name="aidflow.sweep_deadlines")
def sweep_deadlines() -> dict:
    result = deadlines_sweep()
    return {"reminders": result.reminders, "escalations": result.escalations}
