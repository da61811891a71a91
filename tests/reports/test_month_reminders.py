"""Reminders before the monthly report day and escalation after it (issue 29 item 4; seed 000 line
~41): once per county and month, to the county approvers and the city's reviewers."""

import datetime

import pytest
from django.test import override_settings

from aidflow.cases.models import Notification
from aidflow.reports.models import MonthlyReport, MonthReminder
from aidflow.reports.month_reminders import month_reminders_sweep
from tests.factories import make_staff

pytestmark = pytest.mark.django_db
YEAR = datetime.date.today().year - 1  # a month gone by, whatever today is


@pytest.fixture
def city_reviewer(regions):
    return make_staff("city_reviewer", "city_reviewer", "3714", "何平")


def kinds(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


@override_settings(MONTHLY_REPORT_DAY=28)
def test_due_then_late_then_reviewed(approver, outsider, city_reviewer):
    # Two days before the report day: both counties with an approver are reminded, once.
    sent = month_reminders_sweep(today=datetime.date(YEAR, 3, 26))
    # Notifications sent: one approver per county; February was not signed off either, which each
    # county's approver and the city's reviewer hear of.
    assert sent == {"due": 2, "late": 4, "review": 0}
    assert month_reminders_sweep(today=datetime.date(YEAR, 3, 27)) == {"due": 0, "late": 0, "review": 0}
    assert kinds(approver) == ["month_due", "month_late"]
    note = Notification.objects.get(recipient=approver, kind="month_due")
    assert f"{YEAR}-03" in note.text and note.link == f"/workbench/reports/monthly/?region=371403&month={YEAR}-03"
    # The city hears of each county's late month.
    assert kinds(city_reviewer) == ["month_late", "month_late"]
    # 陵城区 signs March off; 平原县 does not. In April, only 平原县's March is late.
    MonthlyReport.objects.create(
        region="371403",
        month=f"{YEAR}-03",
        figures={},
        sha256="0" * 64,
        signed_by=approver,
        signed_at=datetime.datetime(YEAR, 3, 30, tzinfo=datetime.UTC),
    )
    sent = month_reminders_sweep(today=datetime.date(YEAR, 4, 3))
    assert sent == {"due": 0, "late": 2, "review": 0}
    assert MonthReminder.objects.filter(county="371426", month=f"{YEAR}-03", kind="late").exists()
    # Past the fifth, the city is asked again for the month it has not reviewed.
    sent = month_reminders_sweep(today=datetime.date(YEAR, 4, 6))
    assert sent["review"] == 1
    assert Notification.objects.filter(recipient=city_reviewer, kind="month_due", text__contains="陵城区").exists()


def test_a_county_without_an_approver_is_not_swept(regions):
    assert month_reminders_sweep(today=datetime.date(YEAR, 3, 27)) == {"due": 0, "late": 0, "review": 0}
