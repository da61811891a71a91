"""The on-time statistics' fast path (monthly rollup + live clocks) against a direct count of the clocks."""

import datetime
import importlib
import random
import statistics

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aidflow.cases.models import StageClock
from aidflow.cases.services.withdrawal import application_withdraw
from aidflow.regions.stages import LIMITED_STAGES
from aidflow.reports import durations
from aidflow.reports.models import OnTimeMonth
from aidflow.reports.rollup import ontime_rollup
from aidflow.reports.services import ontime_statistics
from tests.factories import LAOLI, ApplicationFactory, advance, make_staff, person

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def direct(user_prefix: str, date_from, date_to, today=TODAY) -> dict:
    """Every clock read one by one, as the statistics define them: exact durations, exact percentiles."""
    found: dict[tuple, dict] = {}
    for clock in StageClock.objects.select_related("application").filter(stage__in=LIMITED_STAGES):
        received = timezone.localtime(clock.received_at).date()
        if clock.due_date is None or clock.outcome == "canceled" or not date_from <= received <= date_to:
            continue
        if not clock.application.village_id.startswith(user_prefix):
            continue
        entry = found.setdefault(
            (clock.application.village_id[:9], clock.stage),
            {"on_time": 0, "late": 0, "open_within": 0, "open_overdue": 0, "durations": []},
        )
        if clock.outcome == "open":
            entry["open_within" if clock.due_date >= today else "open_overdue"] += 1
        elif clock.completed_at is not None:
            entry["late" if clock.late else "on_time"] += 1
            entry["durations"].append((clock.completed_at - clock.received_at).total_seconds() / 86400)
    return found


def assert_same(rows, expected: dict) -> None:
    assert {(row.region, row.stage) for row in rows} == set(expected)
    for row in rows:
        want = expected[(row.region, row.stage)]
        assert (row.on_time, row.late, row.open_within, row.open_overdue) == (
            want["on_time"],
            want["late"],
            want["open_within"],
            want["open_overdue"],
        )
        values = sorted(want["durations"])
        if not values:
            assert row.median_days is None and row.p90_days is None
            continue
        # The stated precision: p90 is the exact nearest-rank value rounded (half up) to 0.1 day; the
        # median is within 0.05 day of the exact one before it is shown to 0.1 day.
        exact_p90 = values[max(1, -(-9 * len(values) // 10)) - 1]
        assert row.p90_days == int(exact_p90 * 10 + 0.5) / 10
        assert abs(row.median_days - statistics.median(values)) <= 0.1 + 1e-9


@pytest.fixture
def caseload(policy, clerk, reviewer, approver):
    """Cases of two villages at every stage, their clocks spread over four months with durations of
    any length (what a real caseload has; the factories' would all be a few milliseconds)."""
    neighbour = make_staff("clerk-laoli", "village_clerk", LAOLI, "王建国")
    rng = random.Random(7)
    targets = ["village_check", "township_review", "county_approval", "closed", "closed", "closed", "supplement"]
    for index, target in enumerate(targets * 2):
        who = clerk if index % 2 else neighbour
        application = ApplicationFactory(user=who, data__person=person(f"{index + 300:03d}"))
        if target == "supplement":
            advance(application, to=target, return_at="township_review", clerk=who)
        else:
            advance(application, to=target, clerk=who)
    for clock in StageClock.objects.all():
        back = datetime.timedelta(days=rng.uniform(0, 110))
        took = datetime.timedelta(days=rng.uniform(0, 12))
        clock.received_at -= back + took
        if clock.completed_at is not None:
            clock.completed_at = clock.received_at + took
        if clock.due_date is not None:
            clock.due_date = timezone.localtime(clock.received_at).date() + datetime.timedelta(days=rng.choice([3, 7]))
        StageClock.objects.filter(pk=clock.pk).update(
            received_at=clock.received_at, completed_at=clock.completed_at, due_date=clock.due_date
        )
    return neighbour


RANGES = [
    (TODAY - datetime.timedelta(days=200), TODAY),  # every month whole
    (TODAY - datetime.timedelta(days=45), TODAY),  # starts inside a month
    (TODAY - datetime.timedelta(days=100), TODAY - datetime.timedelta(days=20)),  # ends inside a past month
    (TODAY.replace(day=1), TODAY),  # this month so far
]


def test_the_fast_path_counts_what_a_direct_count_does(caseload, approver):
    for date_from, date_to in RANGES:
        assert_same(
            ontime_statistics(user=approver, date_from=date_from, date_to=date_to), direct("371403", date_from, date_to)
        )
    closed = StageClock.objects.exclude(outcome="open").count()
    # Small batches: months merged across batches, rows updated in place.
    assert ontime_rollup(batch_size=3) == closed
    assert OnTimeMonth.objects.count() > 3
    assert not StageClock.objects.filter(rolled_up=False).exclude(outcome="open").exists()
    for date_from, date_to in RANGES:
        rows = ontime_statistics(user=approver, date_from=date_from, date_to=date_to)
        assert_same(rows, direct("371403", date_from, date_to))
    assert ontime_rollup() == 0  # idempotent
    assert_same(ontime_statistics(user=approver, date_from=RANGES[0][0], date_to=TODAY), direct("371403", *RANGES[0]))


def test_clocks_that_change_after_the_rollup_are_counted_as_they_are_now(caseload, approver, clerk):
    ontime_rollup()
    # An open clock completes (its successor opens), another case is withdrawn (its clock canceled),
    # and a test moves an open clock back in time with a direct update: none is in the rollup yet.
    advance(StageClock.objects.filter(outcome="open", stage="village_check").first().application, to="county_approval")
    withdrawn = StageClock.objects.filter(outcome="open", stage="village_check", application__village_id="371403105201")
    if withdrawn.exists():
        application_withdraw(user=clerk, application_id=withdrawn.first().application_id, reason="已痊愈")
    moved = StageClock.objects.filter(outcome="open", due_date__isnull=False).first()
    StageClock.objects.filter(pk=moved.pk).update(
        received_at=moved.received_at - datetime.timedelta(days=40),
        due_date=moved.due_date - datetime.timedelta(days=40),
    )
    for date_from, date_to in RANGES:
        assert_same(
            ontime_statistics(user=approver, date_from=date_from, date_to=date_to), direct("371403", date_from, date_to)
        )
    assert ontime_rollup() >= 2
    for date_from, date_to in RANGES:
        assert_same(
            ontime_statistics(user=approver, date_from=date_from, date_to=date_to), direct("371403", date_from, date_to)
        )


def test_the_same_whoever_asks_and_whatever_day_it_is(caseload, approver, auditor):
    ontime_rollup(batch_size=5)
    later = TODAY + datetime.timedelta(days=5)
    date_from = TODAY - datetime.timedelta(days=60)
    rows = ontime_statistics(user=approver, date_from=date_from, date_to=TODAY, today=later)
    assert_same(rows, direct("371403", date_from, TODAY, today=later))
    # A village auditor's scope is finer than the rollup's township: every clock is read.
    village_auditor = make_staff("auditor-beijie", "auditor", "371403105201", "赵敏")
    assert_same(
        ontime_statistics(user=village_auditor, date_from=date_from, date_to=TODAY),
        direct("371403105201", date_from, TODAY),
    )
    outsider = make_staff("approver-py", "county_approver", "371426", "孙伟")
    assert ontime_statistics(user=outsider, date_from=date_from, date_to=TODAY) == []


def test_statistics_take_the_same_queries_however_many_clocks(caseload, approver, clerk):
    ontime_rollup()
    date_from = TODAY - datetime.timedelta(days=45)  # a partial month: the edge query too
    ontime_statistics(user=approver, date_from=date_from, date_to=TODAY)  # scope resolved and cached
    with CaptureQueriesContext(connection) as before:
        ontime_statistics(user=approver, date_from=date_from, date_to=TODAY)
    for order in ("401", "402", "403"):
        advance(ApplicationFactory(user=clerk, data__person=person(order)), to="closed")
    ontime_rollup()
    advance(ApplicationFactory(user=clerk, data__person=person("404")), to="county_approval")
    with CaptureQueriesContext(connection) as after:
        ontime_statistics(user=approver, date_from=date_from, date_to=TODAY)
    # The rollup, the live clocks, the partial months' clocks, the township names.
    assert len(after) == len(before) == 4


def test_histogram_percentiles_hold_the_stated_precision():
    rng = random.Random(11)
    for size in (1, 2, 3, 10, 101, 1000):
        values = [rng.expovariate(1 / 4) for _ in range(size)]
        histogram = sum(durations.tenths_one(int(value * 10 + 0.5)) for value in values)
        assert durations.tenths_unpack(*durations.tenths_pack(histogram)) == histogram
        assert sum(durations.tenths_counts(histogram)) == size
        ordered = sorted(values)
        assert durations.p90_days(histogram) == int(ordered[max(1, -(-9 * size // 10)) - 1] * 10 + 0.5) / 10
        assert abs(durations.median_days(histogram) - statistics.median(values)) <= 0.05 + 1e-9
    assert durations.median_days(0) is None and durations.p90_days(0) is None
    assert durations.tenths_pack(0) == (0, b"")
    # Stored little-endian from the first non-empty tenth: 2 at tenth 3, 1 at tenth 5.
    assert durations.tenths_pack(durations.tenths_one(3, 2) + durations.tenths_one(5)) == (
        3,
        b"\x02\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00",
    )


def test_the_migration_backfills_the_township_of_every_clock(caseload):
    StageClock.objects.update(township="")
    migration = importlib.import_module("aidflow.cases.migrations.0014_clock_township_rollup_flag")

    class Editor:  # what the backfill uses of a schema editor
        def __init__(self):
            self.connection = connection

        def execute(self, sql, params=None):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    migration.backfill(None, Editor())
    clocks = StageClock.objects.select_related("application")
    assert clocks.count() > 10
    assert all(clock.township == clock.application.village_id[:9] for clock in clocks)
