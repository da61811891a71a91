"""On-time statistics: per region and stage, how many stages finished within the statutory limit."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, FloatField, Func, Q
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone

from aidflow.cases.choices import ClockOutcome
from aidflow.cases.models import StageClock
from aidflow.core.dates import day_bounds
from aidflow.regions.models import LEVEL_CODE_LENGTH, Level, Region
from aidflow.regions.scope import scope_codes, scope_q
from aidflow.regions.stages import LIMITED_STAGES, Stage

REPORT_PERMISSIONS = ["regions.approve_county", "regions.audit_region"]


@dataclass
class Row:
    region: str
    region_name: str
    stage: str
    on_time: int = 0
    late: int = 0
    open_within: int = 0
    open_overdue: int = 0
    durations: list[float] = field(default_factory=list)
    # Computed by the database (PostgreSQL) instead of from `durations`.
    median_value: float | None = None
    p90_value: float | None = None

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
        if self.median_value is not None:
            return round(self.median_value, 1)
        return round(statistics.median(self.durations), 1) if self.durations else None

    @property
    def p90_days(self) -> float | None:
        if self.p90_value is not None:
            return round(self.p90_value, 1)
        if not self.durations:
            return None
        ordered = sorted(self.durations)
        # Nearest-rank 90th percentile: the smallest value with at least 90% of values at or below it.
        rank = max(1, -(-9 * len(ordered) // 10))
        return round(ordered[rank - 1], 1)

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


class Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregates: percentile_cont (interpolated, the median of an even
    count) or percentile_disc (nearest rank)."""

    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, discrete: bool = False, **extra):
        function = "percentile_disc" if discrete else "percentile_cont"
        super().__init__(expression, function=function, fraction=float(fraction), **extra)


def _duration_days():
    """Completed minus received, in days (PostgreSQL: the interval's seconds / 86400)."""
    return Func(
        ExpressionWrapper(F("completed_at") - F("received_at"), output_field=DurationField()),
        template="EXTRACT(EPOCH FROM %(expressions)s) / 86400.0",
        output_field=FloatField(),
    )


def ontime_statistics(
    *, user, date_from: datetime.date, date_to: datetime.date, today: datetime.date | None = None
) -> list[Row]:
    """Rows per township (of the case's village) and stage for clocks received in [date_from, date_to].

    Counted in SQL, one GROUP BY (a city has millions of clocks); on PostgreSQL the median and the
    90th percentile of the durations too, elsewhere those are computed from the completed clocks.
    """
    today = today or timezone.localdate()
    start, end = day_bounds(date_from, date_to)
    clocks = (
        StageClock.objects.filter(
            scope_q(user, "application__village__code", REPORT_PERMISSIONS),
            stage__in=LIMITED_STAGES,
            due_date__isnull=False,
            received_at__gte=start,
            received_at__lt=end,
        )
        .exclude(outcome=ClockOutcome.CANCELED)
        .annotate(
            township=Substr("application__village__code", 1, LEVEL_CODE_LENGTH[Level.TOWNSHIP]),
            completed_day=TruncDate("completed_at"),
        )
    )
    is_open = Q(outcome=ClockOutcome.OPEN)
    aggregates = {
        "open_overdue": Count("pk", filter=is_open & Q(due_date__lt=today)),
        "open_within": Count("pk", filter=is_open & Q(due_date__gte=today)),
        "on_time": Count("pk", filter=~is_open & Q(completed_day__lte=F("due_date"))),
        "late": Count("pk", filter=~is_open & Q(completed_day__gt=F("due_date"))),
    }
    postgresql = connection.vendor == "postgresql"
    if postgresql:
        done = ~is_open & Q(completed_at__isnull=False)
        aggregates["median"] = Percentile(_duration_days(), fraction=0.5, filter=done)
        aggregates["p90"] = Percentile(_duration_days(), fraction=0.9, discrete=True, filter=done)
    rows: dict[tuple[str, str], Row] = {}
    for values in clocks.values("township", "stage").annotate(**aggregates).order_by():
        row = Row(region=values["township"], region_name="", stage=values["stage"])
        for key in ("on_time", "late", "open_within", "open_overdue"):
            setattr(row, key, values[key])
        if postgresql:
            row.median_value, row.p90_value = values["median"], values["p90"]
        rows[(row.region, row.stage)] = row
    if not postgresql:
        completed = clocks.exclude(outcome=ClockOutcome.OPEN).values_list(
            "township", "stage", "received_at", "completed_at"
        )
        for township, stage, received_at, completed_at in completed.iterator(chunk_size=5000):
            rows[(township, stage)].durations.append((completed_at - received_at).total_seconds() / 86400)
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
