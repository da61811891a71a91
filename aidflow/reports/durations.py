"""Stage durations as histograms in tenths of a day: what the on-time rollup stores and the
statistics add up, so a median and a 90th percentile over millions of clocks cost a few thousand
additions instead of a sort.

Precision: a duration is counted at its tenth of a day rounded half up. The 90th percentile
(nearest rank) of the rounded durations is the exact 90th percentile rounded to 0.1 day, because
rounding keeps the order; the median (the mean of the two middle values for an even count) is
within 0.05 day of the exact median.
"""

from __future__ import annotations

import sys
from array import array

from django.db.models import F, Func, IntegerField


class DurationTenths(Func):
    """completed_at - received_at in tenths of a day, rounded half up; NULL while the clock is open."""

    output_field = IntegerField()
    arg_joiner = ") - julianday("
    # SQLite: julianday() is a fractional day count (millisecond precision).
    template = "CAST((julianday(%(expressions)s)) * 10 + 0.5 AS INTEGER)"

    def __init__(self, completed="completed_at", received="received_at"):
        super().__init__(F(completed), F(received))

    def as_postgresql(self, compiler, connection, **extra):
        # EXTRACT(EPOCH ...) is numeric: exact to the microsecond; 8,640 seconds are a tenth of a day.
        return self.as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 8640 + 0.5)::integer",
            arg_joiner=" - ",
            **extra,
        )


# A histogram in memory is one Python integer with a 32-bit lane per tenth (lane i = tenth i):
# adding two histograms is one integer addition, however many tenths they span. No lane can
# overflow: that would take four billion clocks of one township and stage at the same tenth.
LANE = 32


def tenths_one(tenth: int, count: int = 1) -> int:
    """The histogram of `count` durations at `tenth`."""
    return count << (LANE * max(0, tenth))


def tenths_pack(histogram: int) -> tuple[int, bytes]:
    """For storage: (first non-empty tenth, uint32 little-endian counts from there)."""
    if not histogram:
        return 0, b""
    first = ((histogram & -histogram).bit_length() - 1) // LANE
    rest = histogram >> (LANE * first)
    return first, rest.to_bytes(4 * -(-rest.bit_length() // LANE), "little")


def tenths_unpack(first: int, data: bytes) -> int:
    return int.from_bytes(data, "little") << (LANE * first)


def tenths_counts(histogram: int) -> list[int]:
    """Count per tenth, index = tenth."""
    counts = array("I")
    counts.frombytes(histogram.to_bytes(4 * -(-histogram.bit_length() // LANE), "little"))
    if sys.byteorder == "big":
        counts.byteswap()
    return counts.tolist()


def _value_at(counts: list[int], rank: int) -> int:
    """The tenth of the `rank`-th smallest duration (1-based)."""
    seen = 0
    for tenth, count in enumerate(counts):
        seen += count
        if seen >= rank:
            return tenth
    raise ValueError(rank)


def median_days(histogram: int) -> float | None:
    counts = tenths_counts(histogram)
    total = sum(counts)
    if not total:
        return None
    middle = _value_at(counts, (total + 1) // 2)
    if total % 2 == 0:
        middle = (middle + _value_at(counts, total // 2 + 1)) / 2
    return round(middle / 10, 2)


def p90_days(histogram: int) -> float | None:
    """Nearest rank: the smallest value with at least 90% of the values at or below it."""
    counts = tenths_counts(histogram)
    total = sum(counts)
    if not total:
        return None
    return _value_at(counts, max(1, -(-9 * total // 10))) / 10
