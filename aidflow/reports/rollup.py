"""The on-time rollup: closed stage clocks folded into one row per month, township and stage.

A closed clock (done, returned, canceled) never changes again, so once folded in it is marked
`rolled_up` and the statistics read its month's row instead of the clock. Open clocks are never
folded: they are counted live, as their state changes with the day. Anything not yet folded is
counted live too, so the statistics are exact whether the rollup ran a minute or a month ago.
Run by Celery beat every 10 minutes and by `manage.py ontime_rollup`; idempotent.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate

from aidflow.cases.choices import ClockOutcome
from aidflow.cases.models import StageClock
from aidflow.regions.stages import LIMITED_STAGES
from aidflow.reports.durations import DurationTenths, tenths_one, tenths_pack, tenths_unpack
from aidflow.reports.models import OnTimeMonth

ROLLUP_BATCH = 10_000
# Held per batch on PostgreSQL, so two runs never fold the same clock twice.
ROLLUP_LOCK_KEY = 7_311_540_003
# After folding this many clocks at once (the first run after the migration, millions of them), the
# partial indexes of the unfolded clocks are mostly empty pages, and PostgreSQL's planner, costing
# them by size, would scan the table instead: rebuild them.
REINDEX_AFTER = 100_000


def counted_clocks():
    """The clocks the on-time statistics count: limited stages with a due date, not canceled."""
    return StageClock.objects.filter(stage__in=LIMITED_STAGES, due_date__isnull=False).exclude(
        outcome=ClockOutcome.CANCELED
    )


def duration_groups(clocks, *keys: str, today=None):
    """One GROUP BY over `keys` and the duration in tenths of a day (NULL while open): how many
    finished on time and late, and (given `today`) how many are open within the limit or overdue."""
    # Counting a column of the live index (never NULL) lets PostgreSQL answer from the index alone.
    closed, is_open = ~Q(outcome=ClockOutcome.OPEN), Q(outcome=ClockOutcome.OPEN)
    counts = {
        "on_time": Count("received_at", filter=closed & Q(completed_day__lte=F("due_date"))),
        "late": Count("received_at", filter=closed & Q(completed_day__gt=F("due_date"))),
    }
    if today is not None:
        counts["open_within"] = Count("received_at", filter=is_open & Q(due_date__gte=today))
        counts["open_overdue"] = Count("received_at", filter=is_open & Q(due_date__lt=today))
    return (
        clocks.annotate(day=TruncDate("received_at"), completed_day=TruncDate("completed_at"), tenth=DurationTenths())
        .values(*keys, "tenth")
        .annotate(**counts)
        .order_by()
    )


def _fold(ids: list[int]) -> None:
    folded: dict[tuple, dict] = defaultdict(lambda: {"on_time": 0, "late": 0, "days": set(), "tenths": 0})
    for group in duration_groups(counted_clocks().filter(pk__in=ids), "day", "township", "stage"):
        if group["tenth"] is None:
            continue  # closed without a completion time: neither on time nor late
        entry = folded[(group["day"].replace(day=1), group["township"], group["stage"])]
        entry["on_time"] += group["on_time"]
        entry["late"] += group["late"]
        entry["days"].add(group["day"])
        entry["tenths"] += tenths_one(group["tenth"], group["on_time"] + group["late"])
    if not folded:
        return
    existing = {
        (row.month, row.township, row.stage): row
        for row in OnTimeMonth.objects.select_for_update().filter(
            month__in={key[0] for key in folded},
            township__in={key[1] for key in folded},
            stage__in={key[2] for key in folded},
        )
    }
    created, updated = [], []
    for key, entry in folded.items():
        row = existing.get(key)
        if row is None:
            row = OnTimeMonth(month=key[0], township=key[1], stage=key[2], on_time=0, late=0)
            row.first_received, row.last_received = min(entry["days"]), max(entry["days"])
            created.append(row)
        else:
            entry["tenths"] += tenths_unpack(row.first_tenth, bytes(row.tenths))
            row.first_received = min(row.first_received, *entry["days"])
            row.last_received = max(row.last_received, *entry["days"])
            updated.append(row)
        row.on_time += entry["on_time"]
        row.late += entry["late"]
        row.first_tenth, row.tenths = tenths_pack(entry["tenths"])
    OnTimeMonth.objects.bulk_create(created)
    fields = ["on_time", "late", "first_received", "last_received", "first_tenth", "tenths"]
    OnTimeMonth.objects.bulk_update(updated, fields, batch_size=1000)


def ontime_rollup(*, batch_size: int = ROLLUP_BATCH) -> int:
    """Fold every closed clock not yet folded into its month's row, a batch per transaction; returns
    how many clocks were folded."""
    folded, after = 0, 0
    while True:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK_KEY])
            todo = StageClock.objects.filter(rolled_up=False, pk__gt=after).exclude(outcome=ClockOutcome.OPEN)
            ids = list(todo.order_by("pk").values_list("pk", flat=True)[:batch_size])
            if not ids:
                break
            # Claimed first: a run that lost a race (SQLite has no advisory lock) folds nothing twice.
            if StageClock.objects.filter(pk__in=ids, rolled_up=False).update(rolled_up=True) != len(ids):
                transaction.set_rollback(True)
                return folded
            _fold(ids)
        folded += len(ids)
        after = ids[-1]
    if folded >= REINDEX_AFTER and connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("REINDEX INDEX CONCURRENTLY cases_clock_live")
            cursor.execute("REINDEX INDEX CONCURRENTLY cases_clock_to_roll")
    return folded
