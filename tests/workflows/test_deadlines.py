"""Stage clocks, overdue lists, the deadline sweep and the on-time statistics."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aidflow.cases.models import Application, DeadlineNotice, Notification, StageClock
from aidflow.cases.services.deadlines import deadlines_sweep
from aidflow.reports.services import ontime_statistics
from tests.factories import BEIJIE, LAOLI, ApplicationFactory, advance, make_staff, person

pytestmark = pytest.mark.django_db


def file(clerk, order="001"):
    return ApplicationFactory(user=clerk, data__person=person(order))


def shift_clock(application, days):
    """Pretend the open stage was received `days` ago (due date moved with it)."""
    clock = StageClock.objects.get(application=application, outcome="open")
    delta = datetime.timedelta(days=days)
    StageClock.objects.filter(pk=clock.pk).update(
        received_at=clock.received_at - delta, due_date=clock.due_date - delta
    )
    Application.objects.filter(pk=application.pk).update(stage_due_date=clock.due_date - delta)
    return StageClock.objects.get(pk=clock.pk)


def test_every_stage_gets_a_clock_and_a_return_restarts_it(policy, clerk, reviewer):
    application = file(clerk)
    clock = StageClock.objects.get(application=application)
    assert (clock.stage, clock.days, clock.counting, clock.outcome, clock.region) == (
        "village_check",
        3,
        "natural",
        "open",
        BEIJIE,
    )
    assert application.stage_due_date == clock.due_date and clock.due_date > timezone.localdate()
    application = advance(application, to="supplement", return_at="township_review", reasons="缺收入证明")
    clocks = list(StageClock.objects.filter(application=application).order_by("pk"))
    assert [(clock.stage, clock.outcome) for clock in clocks] == [
        ("village_check", "done"),
        ("township_review", "returned"),
        ("supplement", "open"),
    ]
    assert clocks[1].completed_by == reviewer and clocks[2].due_date is None
    application = advance(application, to="township_review")
    fresh = StageClock.objects.filter(application=application).order_by("pk").last()
    # A new clock for the township, starting from the resubmission.
    assert (fresh.stage, fresh.outcome, fresh.days) == ("township_review", "open", 7)
    assert fresh.received_at > clocks[1].received_at
    assert application.stage_due_date == fresh.due_date


def test_overdue_list_shows_red_and_filters(policy, clerk, reviewer):
    late = file(clerk, order="001")
    late = advance(late, to="township_review")
    file(clerk, order="003")
    shift_clock(late, 20)
    client = Client()
    client.force_login(reviewer)
    page = client.get("/workbench/inbox/").content.decode()
    assert "af-row--overdue" in page and late.number in page
    client.force_login(clerk)
    listed = client.get("/workbench/applications/", {"overdue": "true"}).content.decode()
    assert late.number in listed and "-00002" not in listed


def test_overdue_list_query_count_does_not_grow(policy, clerk, reviewer):
    client = Client()
    client.force_login(reviewer)

    def queries_for_list():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/workbench/applications/", {"overdue": "true"}).status_code == 200
        return len(captured)

    for index in range(3):
        shift_clock(file(clerk, order=f"{index:03d}"), 20)
    few = queries_for_list()
    for index in range(3, 23):
        shift_clock(file(clerk, order=f"{index:03d}"), 20)
    assert queries_for_list() == few


def test_sweep_reminds_then_escalates_once(policy, clerk, reviewer, approver):
    other_clerk = make_staff("clerk-b2", "village_clerk", BEIJIE, "李二")
    make_staff("far-reviewer", "township_reviewer", "371403102", "马丽")
    application = file(clerk)
    clock = StageClock.objects.get(application=application)
    # The day before the due date: the village's clerks are reminded.
    day_before = timezone.make_aware(
        datetime.datetime.combine(clock.due_date - datetime.timedelta(days=1), datetime.time(9))
    )
    result = deadlines_sweep(now=day_before)
    assert (result.reminders, result.escalations) == (1, 0)
    assert set(Notification.objects.filter(kind="due_soon").values_list("recipient__username", flat=True)) == {
        clerk.username,
        other_clerk.username,
    }
    assert deadlines_sweep(now=day_before).reminders == 0  # idempotent
    # The day after the due date: escalated to the township's reviewers, once.
    day_after = day_before + datetime.timedelta(days=2)
    result = deadlines_sweep(now=day_after)
    assert (result.reminders, result.escalations) == (0, 1)
    assert list(Notification.objects.filter(kind="overdue").values_list("recipient__username", flat=True)) == [
        reviewer.username
    ]
    assert deadlines_sweep(now=day_after).escalations == 0
    assert DeadlineNotice.objects.filter(clock=clock).count() == 2
    # The bell counts the unread; marking read clears it.
    client = Client()
    client.force_login(reviewer)
    assert 'class="af-bell__count">1<' in client.get("/workbench/").content.decode()
    client.post("/workbench/notifications/")
    assert "af-bell__count" not in client.get("/workbench/").content.decode()


@pytest.mark.parametrize(
    ("stage_steps", "target_role", "target_region"),
    [
        (1, "county_approver", "371403"),  # township review late -> county approvers
        (2, "auditor", "3714"),  # county approval late -> the city's auditors
    ],
)
def test_escalation_targets(
    policy, clerk, reviewer, approver, city_auditor, auditor, stage_steps, target_role, target_region
):
    late_stage = ["village_check", "township_review", "county_approval"][stage_steps]
    application = advance(file(clerk), to=late_stage)
    clock = shift_clock(application, 30)
    deadlines_sweep()
    recipients = Notification.objects.filter(kind="overdue", application=application)
    assert {note.recipient.staff.role for note in recipients} == {target_role}
    assert {note.recipient.staff.region_id for note in recipients} == {target_region}
    assert clock.stage == late_stage


def test_statistics_on_known_counts(policy, clerk, reviewer, approver):
    neighbour = make_staff("clerk-laoli", "village_clerk", LAOLI, "王建国")
    today = timezone.localdate()
    # Three village checks in 神头镇: one on time, one late, one open and overdue; one open within limit.
    on_time = file(clerk, order="001")
    advance(on_time, to="township_review")
    late = file(neighbour, order="002")
    shift_clock(late, 10)
    advance(late, to="township_review", clerk=neighbour)
    overdue = file(clerk, order="003")
    shift_clock(overdue, 10)
    file(clerk, order="004")
    rows = ontime_statistics(user=approver, date_from=today - datetime.timedelta(days=30), date_to=today)
    village = next(row for row in rows if row.stage == "village_check")
    assert (village.region, village.region_name) == ("371403105", "神头镇")
    assert (village.on_time, village.late, village.open_within, village.open_overdue) == (1, 1, 1, 1)
    assert village.median_days is not None and village.p90_days >= village.median_days
    township = next(row for row in rows if row.stage == "township_review")
    assert (township.open_within, township.on_time) == (2, 0)
    # Out of scope: another county's approver sees none of it.
    outsider = make_staff("approver-py", "county_approver", "371426", "孙伟")
    assert ontime_statistics(user=outsider, date_from=today - datetime.timedelta(days=30), date_to=today) == []
    client = Client()
    client.force_login(approver)
    page = client.get("/workbench/reports/on-time/").content.decode()
    assert "神头镇" in page and "af-seg--open_overdue" in page
    client.force_login(clerk)
    assert client.get("/workbench/reports/on-time/").status_code == 403


def _overdue_cases(clerk, orders):
    for order in orders:
        shift_clock(file(clerk, order=order), 10)


def test_sweep_queries_do_not_grow_with_the_clocks(policy, clerk, reviewer):
    """One query for the work, one for the recipients and a few writes per batch - not per clock."""
    _overdue_cases(clerk, ["011"])
    with CaptureQueriesContext(connection) as one:
        assert deadlines_sweep().escalations == 1
    _overdue_cases(clerk, ["012", "013", "014"])
    with CaptureQueriesContext(connection) as three:
        assert deadlines_sweep().escalations == 3
    assert len(three) == len(one)
    with CaptureQueriesContext(connection) as nothing_new:
        assert deadlines_sweep().escalations == 0
    assert len(nothing_new) <= 2
    assert Notification.objects.filter(kind="overdue", recipient=reviewer).count() == 4


def test_ontime_statistics_queries_do_not_grow_with_the_clocks(policy, clerk, approver):
    today = timezone.localdate()
    since = today - datetime.timedelta(days=30)
    file(clerk, order="021")
    ontime_statistics(user=approver, date_from=since, date_to=today)  # scope resolved and cached
    with CaptureQueriesContext(connection) as one:
        ontime_statistics(user=approver, date_from=since, date_to=today)
    for order in ("022", "023", "024"):
        advance(file(clerk, order=order), to="township_review")
    with CaptureQueriesContext(connection) as four:
        rows = ontime_statistics(user=approver, date_from=since, date_to=today)
    assert len(four) == len(one) <= 3
    village = next(row for row in rows if row.stage == "village_check")
    assert (village.on_time, village.open_within) == (3, 1)


def test_sweep_mails_a_batch_over_one_connection_after_the_commit(
    policy, clerk, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    opened = []
    original = mail.get_connection
    monkeypatch.setattr(
        "django.core.mail.get_connection", lambda *args, **kwargs: opened.append(1) or original(*args, **kwargs)
    )
    reviewer.email = "reviewer@example.gov.cn"
    reviewer.save(update_fields=["email"])
    for order in ("001", "002", "003"):
        shift_clock(file(clerk, order=order), 10)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = deadlines_sweep()
    assert result.escalations == 3 and mail.outbox == []  # nothing is mailed before the commit
    for callback in callbacks:
        callback()
    # Three escalations to the township's reviewer, mailed over one connection.
    assert [message.to for message in mail.outbox] == [[reviewer.email]] * 3
    assert "逾期" in mail.outbox[0].body or "overdue" in mail.outbox[0].body
    assert len(opened) == 1
