"""Folding closed stage clocks into the on-time rollup in the background (beat: every 10 minutes)."""

from __future__ import annotations

from celery import shared_task

from aidflow.reports.month_reminders import month_reminders_sweep
from aidflow.reports.rollup import ontime_rollup


@shared_task(name="aidflow.ontime_rollup")
def ontime_rollup_task() -> int:
    return ontime_rollup()


@shared_task(name="aidflow.sweep_month_reports")
def sweep_month_reports() -> dict:
    return month_reminders_sweep()
