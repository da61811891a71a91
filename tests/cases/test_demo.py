"""The demo data tells one consistent story: each case filed on its own day, every step after it,
every date of the facts within the stage's clock, and the audit log in time order."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from aidflow.audit.models import AuditEvent
from aidflow.cases.demo import DEMO_CASES
from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.tasks import task_complete
from aidflow.regions.models import StaffProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=io.StringIO())


def test_every_case_is_dated_consistently(demo):
    applications = list(Application.objects.prefetch_related("records", "clocks"))
    assert len(applications) == len(DEMO_CASES)
    for application in applications:
        filed = timezone.localtime(application.filed_at)
        assert application.filing_date == filed.date(), application.number
        moments = [timezone.localtime(record.at) for record in application.records.all()]
        assert moments == sorted(moments) and moments[0] >= filed, application.number
        assert all(moment <= timezone.localtime() for moment in moments), application.number
        for record in application.records.all():
            if record.visit_date:
                assert application.filing_date <= record.visit_date <= timezone.localtime(record.at).date()
            if record.delivered_on:
                assert record.delivered_on == timezone.localtime(record.at).date()
        for clock in application.clocks.all():
            assert clock.received_at >= application.filed_at, application.number
            if clock.completed_at:
                assert clock.completed_at >= clock.received_at, application.number
    # Filed on different days over the last two weeks, the numbers in filing order.
    by_number = sorted(applications, key=lambda application: application.number)
    assert len({application.filing_date for application in applications}) >= 5
    lingcheng = [application for application in by_number if application.number.startswith("371403-")]
    assert [a.filed_at for a in lingcheng] == sorted(a.filed_at for a in lingcheng)


def test_the_overdue_township_review_takes_a_visit_date_since_filing(demo):
    overdue = Application.objects.get(stage="township_review")
    today = timezone.localdate()
    assert overdue.stage_due_date < today and overdue.filing_date <= today - datetime.timedelta(days=10)
    # The reviewer records a home visit three days ago - after the filing, so it is accepted.
    reviewer = StaffProfile.objects.get(user__username="reviewer_shentou").user
    visit = today - datetime.timedelta(days=3)
    payload = {"decision": "forward", "visit_date": visit.isoformat(), "visitors": "刘志强", "findings": "属实"}
    decided = task_complete(user=reviewer, task_id=open_task(overdue).pk, payload=payload)
    assert decided.stage == "county_approval" and decided.records.get(stage="township_review").visit_date == visit


def test_the_audit_log_reads_in_time_order(db):
    before = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).last() or 0
    call_command("seed_demo", stdout=io.StringIO())
    moments = list(AuditEvent.objects.filter(seq__gt=before).order_by("seq").values_list("at", flat=True))
    assert len(moments) > 50
    assert moments == sorted(moments)
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "ok" in out.getvalue()
