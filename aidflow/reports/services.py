"""On-time statistics: per region and stage, how many stages finished within the statutory limit."""

from __future__ import annotations

import datetime
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from aidflow.core.dates import day_bounds
from aidflow.regions.models import LEVEL_CODE_LENGTH, Level, Region
from aidflow.regions.scope import scope_codes, scope_q
from aidflow.regions.stages import LIMITED_STAGES, Stage
from aidflow.reports import durations
from aidflow.reports.models import OnTimeMonth
from aidflow.reports.rollup import counted_clocks, duration_groups

REPORT_PERMISSIONS = ["regions.approve_county", "regions.audit_region"]
TOWNSHIP_LENGTH = LEVEL_CODE_LENGTH[Level.TOWNSHIP]


@dataclass
class Row:
    region: str
    region_name: str
    stage: str
    on_time: int = 0
    late: int = 0
    open_within: int = 0
    open_overdue: int = 0
    # How many completed clocks took each tenth of a day, lane-packed: see aidflow.reports.durations.
    tenths: int = 0

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    @property
    def completed(self) -> int:
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.completed, 1) if self.completed else None

    @property
    def median_days(self) -> float | None:
        value = durations.median_days(self.tenths)
        return None if value is None else round(value, 1)

    @property
    def p90_days(self) -> float | None:
        return durations.p90_days(self.tenths)

    def as_dict(self) -> dict:
        return {
            "region": self.region,
            "region_name": self.region_name,
            "stage": self.stage,
            "completed_on_time": self.on_time,
            "completed_late": self.late,
            "open_within_limit": self.open_within,
            "open_overdue": self.open_overdue,
            "on_time_rate": self.on_time_rate,
            "median_days": self.median_days,
            "p90_days": self.p90_days,
        }


def report_scope(user) -> list[str]:
    return scope_codes(user, REPORT_PERMISSIONS)


@contextmanager
def _one_snapshot():
    """The rollup and the clocks not yet folded into it, read as of one moment: a rollup run that
    commits between the two reads would otherwise count its clocks twice or not at all."""
    if connection.in_atomic_block:
        yield  # the caller's transaction decides (reads need no savepoint)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


def _rollup_rows(rows: dict, user, date_from: datetime.date, date_to: datetime.date) -> list[Q]:
    """Add the rollup's months that lie wholly in the range; return the received-time ranges of the
    other months the range touches, whose folded clocks must be read one by one."""
    months = OnTimeMonth.objects.filter(
        scope_q(user, "township", REPORT_PERMISSIONS),
        stage__in=LIMITED_STAGES,
        month__gte=date_from.replace(day=1),
        month__lte=date_to,
    ).values_list(
        "month", "township", "stage", "on_time", "late", "first_received", "last_received", "first_tenth", "tenths"
    )
    records = list(months)
    partial = {month for month, *_keys, first, last, _tenth, _data in records if first < date_from or last > date_to}
    for month, township, stage, on_time, late, _first, _last, first_tenth, data in records:
        if month not in partial:
            row = _row(rows, township, stage)
            row.on_time += on_time
            row.late += late
            row.tenths += durations.tenths_unpack(first_tenth, data)
    edges = []
    for month in sorted(partial):
        next_month = (month + datetime.timedelta(days=31)).replace(day=1)
        start, end = day_bounds(max(month, date_from), min(next_month - datetime.timedelta(days=1), date_to))
        edges.append(Q(received_at__gte=start, received_at__lt=end))
    return edges


def _row(rows: dict, township: str, stage: str) -> Row:
    if (township, stage) not in rows:
        rows[(township, stage)] = Row(region=township, region_name="", stage=stage)
    return rows[(township, stage)]


def _add_groups(rows: dict, groups) -> None:
    for group in groups:
        row = _row(rows, group["township"], group["stage"])
        row.on_time += group["on_time"]
        row.late += group["late"]
        row.open_within += group.get("open_within", 0)
        row.open_overdue += group.get("open_overdue", 0)
        if group["tenth"] is not None:
            row.tenths += durations.tenths_one(group["tenth"], group["on_time"] + group["late"])


def ontime_statistics(
    *, user, date_from: datetime.date, date_to: datetime.date, today: datetime.date | None = None
) -> list[Row]:
    """Rows per township (of the case's village) and stage for clocks received in [date_from, date_to].

    Closed clocks come from the monthly rollup (aidflow.reports.rollup) where a month lies wholly in
    the range; open clocks, clocks not yet folded in and the range's partial months are counted from
    the clocks, grouped in SQL. A constant number of queries; counts exact, median and 90th
    percentile to the precision aidflow.reports.durations states.
    """
    today = today or timezone.localdate()
    start, end = day_bounds(date_from, date_to)
    rows: dict[tuple[str, str], Row] = {}
    clocks = counted_clocks().filter(received_at__gte=start, received_at__lt=end)
    with _one_snapshot():
        if any(len(code) > TOWNSHIP_LENGTH for code in report_scope(user)):
            # A scope inside a township (an auditor of one village) is finer than the rollup: every clock.
            clocks = clocks.filter(scope_q(user, "application__village__code", REPORT_PERMISSIONS))
            _add_groups(rows, duration_groups(clocks, "township", "stage", today=today))
        else:
            clocks = clocks.filter(scope_q(user, "township", REPORT_PERMISSIONS))
            edges = _rollup_rows(rows, user, date_from, date_to)
            _add_groups(rows, duration_groups(clocks.filter(rolled_up=False), "township", "stage", today=today))
            if edges:
                edge_clocks = clocks.filter(reduce(or_, edges), rolled_up=True)
                _add_groups(rows, duration_groups(edge_clocks, "township", "stage"))
    names = dict(Region.objects.filter(code__in={key[0] for key in rows}).values_list("code", "name"))
    for row in rows.values():
        row.region_name = names.get(row.region, row.region)
    order = {stage: index for index, stage in enumerate(LIMITED_STAGES)}
    return sorted(rows.values(), key=lambda row: (row.region, order[row.stage]))


def chart_bars(rows: list[Row]) -> list[dict]:
    """Per township: the four counts over every stage, with widths for a stacked horizontal bar."""
    totals: dict[str, dict] = defaultdict(lambda: {"on_time": 0, "late": 0, "open_within": 0, "open_overdue": 0})
    names = {}
    for row in rows:
        bucket = totals[row.region]
        names[row.region] = row.region_name
        for key in bucket:
            bucket[key] += getattr(row, key)
    largest = max((sum(bucket.values()) for bucket in totals.values()), default=0) or 1
    bars = []
    for region, bucket in sorted(totals.items()):
        offset = 0.0
        segments = []
        for key in ("on_time", "late", "open_within", "open_overdue"):
            width = 100.0 * bucket[key] / largest
            segments.append({"kind": key, "count": bucket[key], "x": offset, "width": width})
            offset += width
        bars.append({"region": region, "name": names[region], "segments": segments, "total": sum(bucket.values())})
    return bars
