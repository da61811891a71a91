"""Demo ledger for seed_demo: 陵城区's last month signed off by its approver."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from aidflow.reports.ledger import month_submit
from aidflow.reports.models import MonthlyReport


def seed_demo_ledger(stdout, *, approver: str, county: str) -> None:
    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    if MonthlyReport.objects.filter(region=county, month=last_month).exists():
        stdout.write("Demo ledger: already there.")
        return
    report = month_submit(
        user=get_user_model().objects.get(username=approver), data={"region": county, "month": last_month}
    )
    stdout.write(f"Demo ledger: {county} {last_month} submitted (aid {report.figures['totals']['aid']}).")
