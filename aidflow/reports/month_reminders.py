"""Reminders before the monthly report day and escalation after it (issue 29 item 4; seed 000 line
~41: the county head signs the month off by the 28th, the city reviews it before it goes up).

Swept by beat with the stage deadlines, each at most once per county and month:
- `due`: from two days before the month's report day (`MONTHLY_REPORT_DAY`) until it is signed off,
  the county approvers are reminded to sign it off;
- `late`: once the month is over and still not signed off, the county approvers and the city's
  reviewers are told; a month signed off but not reviewed by the city five days into the next month
  is put to the city's reviewers again (`review`).
Only counties with an active county approver are swept: a county that does not use AidFlow is not
reported late every month."""

from __future__ import annotations

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.choices import NotificationKind
from aidflow.cases.services.staff_alerts import staff_notify
from aidflow.regions.models import Region, Role, StaffProfile
from aidflow.reports.city_review import review_state
from aidflow.reports.ledger import month_sign_off_day
from aidflow.reports.models import MonthlyReport, MonthReminder

SOON_DAYS = 2
REVIEW_DAYS = 5


def _month_text(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _previous(day: datetime.date) -> tuple[int, int]:
    last = day.replace(day=1) - datetime.timedelta(days=1)
    return last.year, last.month


def _once(county: str, month: str, kind: str, send) -> int:
    """Send once: the reminder row is written first, so a second sweep (or a concurrent one) skips."""
    try:
        with transaction.atomic():
            reminder = MonthReminder.objects.create(county=county, month=month, kind=kind)
            reminder.recipients = send()
            reminder.save(update_fields=["recipients"])
    except IntegrityError:
        return 0
    return reminder.recipients


def _monthly_link(county: str, month: str) -> str:
    return f"/workbench/reports/monthly/?region={county}&month={month}"


def _send_due(county: str, name: str, month: str, opens: datetime.date) -> int:
    values = {"county": name, "month": month, "day": opens.isoformat()}
    return staff_notify(
        role=Role.COUNTY_APPROVER,
        region=county,
        kind=NotificationKind.MONTH_DUE,
        text=lambda: (
            _("%(county)s: sign off the month %(month)s from %(day)s; the city reviews it before it goes up.") % values
        ),
        link=_monthly_link(county, month),
    )


def _send_late(county: str, name: str, month: str) -> int:
    def text():
        return _("%(county)s has not signed off the month %(month)s.") % {"county": name, "month": month}

    told = staff_notify(
        role=Role.COUNTY_APPROVER,
        region=county,
        kind=NotificationKind.MONTH_LATE,
        text=text,
        link=_monthly_link(county, month),
    )
    return told + staff_notify(
        role=Role.CITY_REVIEWER,
        region=county[:4],
        kind=NotificationKind.MONTH_LATE,
        text=text,
        link=f"/workbench/reports/city/?month={month}",
    )


def _send_review(county: str, name: str, month: str) -> int:
    return staff_notify(
        role=Role.CITY_REVIEWER,
        region=county[:4],
        kind=NotificationKind.MONTH_DUE,
        text=lambda: _("%(county)s's month %(month)s waits for the city's review.") % {"county": name, "month": month},
        link=f"/workbench/reports/city/?month={month}",
    )


def month_reminders_sweep(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    counties = sorted(
        set(
            StaffProfile.objects.filter(role=Role.COUNTY_APPROVER, user__is_active=True).values_list(
                "region_id", flat=True
            )
        )
    )
    names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
    sent = {"due": 0, "late": 0, "review": 0}
    this_month = _month_text(today.year, today.month)
    opens = month_sign_off_day(today.year, today.month)
    last = _month_text(*_previous(today))
    reports = {
        (report.region, report.month): report
        for report in MonthlyReport.objects.filter(region__in=counties, month__in=[this_month, last])
    }
    for county in counties:
        name = names.get(county, county)
        if today >= opens - datetime.timedelta(days=SOON_DAYS) and (county, this_month) not in reports:
            sent["due"] += _once(county, this_month, "due", partial(_send_due, county, name, this_month, opens))
        report = reports.get((county, last))
        if report is None:
            sent["late"] += _once(county, last, "late", partial(_send_late, county, name, last))
        elif today.day > REVIEW_DAYS and review_state(report) == "submitted":
            sent["review"] += _once(county, last, "review", partial(_send_review, county, name, last))
    return sent
