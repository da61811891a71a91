"""Due dates (POLICY section 4): the day of receipt does not count; a period of natural days that ends
on a day off moves to the next working day; a period of working days ends on the N-th working day.
Working days follow the loaded State Council schedule; a year not loaded falls back to
Monday-Friday and the due date is marked provisional."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.calendars.models import CalendarYear, DayKind, SpecialDay
from aidflow.core.tables import Table, date_text, table_of

NATURAL = "natural"
WORKING = "working"
# Far enough for 365 working days across the longest holiday runs.
MAX_SPAN_DAYS = 800


@dataclass(frozen=True)
class DueDate:
    date: datetime.date
    provisional: bool
    missing_years: tuple[int, ...] = ()


# Every stage clock asks for the same few years: each process keeps them for a short while. A
# schedule loaded here (holidays_load, or a row saved) clears this process's copy at once; another
# process (the load_holidays command) is seen within CALENDAR_CACHE_SECONDS.
CALENDAR_CACHE_SECONDS = 60.0
_calendar_cache: dict[tuple[int, int], tuple[float, frozenset[int], dict]] = {}


def calendar_cache_clear(**_signal) -> None:
    """Forget the schedules this process keeps."""
    _calendar_cache.clear()


def calendar_changed(**_signal) -> None:
    """A calendar row was saved or deleted (the models' signals): forget the schedules now and
    again after the commit, so no read in between keeps the old schedule for another minute."""
    _calendar_cache.clear()
    transaction.on_commit(calendar_cache_clear)


def _schedule(first_year: int, last_year: int) -> tuple[frozenset[int], dict]:
    """The loaded years and special days of a span of years, from this process's copy when fresh."""
    key = (first_year, last_year)
    cached = _calendar_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < CALENDAR_CACHE_SECONDS:
        return cached[1], cached[2]
    years = frozenset(
        CalendarYear.objects.filter(year__gte=first_year, year__lte=last_year).values_list("year", flat=True)
    )
    special = dict(
        SpecialDay.objects.filter(
            date__gte=datetime.date(first_year, 1, 1), date__lte=datetime.date(last_year, 12, 31)
        ).values_list("date", "kind")
    )
    _calendar_cache[key] = (time.monotonic(), years, special)
    return years, special


class Calendar:
    """Working days for a span of years, read once from the database (or this process's fresh copy)."""

    def __init__(self, first_year: int, last_year: int):
        self.years, self.special = _schedule(first_year, last_year)
        self.used_missing: set[int] = set()

    def is_working_day(self, day: datetime.date) -> bool:
        if day.year not in self.years:
            self.used_missing.add(day.year)
            return day.weekday() < 5
        kind = self.special.get(day)
        if kind == DayKind.HOLIDAY:
            return False
        if kind == DayKind.WORKDAY:
            return True
        return day.weekday() < 5


def local_date(moment: datetime.datetime) -> datetime.date:
    """The Asia/Shanghai calendar day of an aware timestamp."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return timezone.localtime(moment).date()


def due_date(*, received: datetime.datetime | datetime.date, days: int, counting: str) -> DueDate:
    """The last day to act on something received at `received`."""
    if counting not in (NATURAL, WORKING):
        raise ValueError(f"counting must be natural or working, not {counting!r}")
    if days < 1:
        raise ValueError("days must be at least 1")
    start = received if not isinstance(received, datetime.datetime) else local_date(received)
    calendar = Calendar(start.year, start.year + 3)
    calendar.used_missing.clear()
    if counting == NATURAL:
        day = start + datetime.timedelta(days=days)
        calendar.is_working_day(day)
        while not calendar.is_working_day(day):
            day += datetime.timedelta(days=1)
    else:
        day, counted = start, 0
        while counted < days:
            day += datetime.timedelta(days=1)
            if calendar.is_working_day(day):
                counted += 1
            if (day - start).days > MAX_SPAN_DAYS:
                raise ValueError("no working day found within the span")
    missing = tuple(sorted(calendar.used_missing))
    return DueDate(date=day, provisional=bool(missing), missing_years=missing)


def days_left(due: datetime.date, today: datetime.date | None = None) -> int:
    return (due - (today or timezone.localdate())).days


class HolidayFileError(Exception):
    """A holiday file that cannot be loaded; names the row."""


def _row(number: int, column: str, message: str) -> str:
    return _("Row %(row)d, %(field)s: %(message)s") % {"row": number, "field": column, "message": message}


def holidays_load(*, text: str | None = None, table: Table | None = None, source: str) -> list[int]:
    """Load `date,kind` rows (kind holiday or workday) for whole years, from CSV text or a Table read
    from a CSV or XLSX file; replaces those years' schedule. Returns the years loaded. A bad row
    loads nothing."""
    table = table_of(text=text, table=table)
    if table.header[:2] != ["date", "kind"]:
        raise HolidayFileError(_("Row 1 (header): the header must be %(header)s.") % {"header": "date,kind"})
    rows = []
    for number, row in table.records():
        raw_date, kind = date_text(row.get("date", "")), row.get("kind", "")
        try:
            day = datetime.date.fromisoformat(raw_date)
        except ValueError:
            raise HolidayFileError(
                _("Row %(row)d, %(field)s: %(value)r is not a date YYYY-MM-DD.")
                % {"row": number, "field": "date", "value": raw_date}
            ) from None
        if kind not in DayKind.values:
            raise HolidayFileError(
                _row(number, "kind", _("kind must be holiday or workday, not %(kind)r.") % {"kind": kind})
            )
        if kind == DayKind.WORKDAY and day.weekday() < 5:
            raise HolidayFileError(
                _row(
                    number,
                    "kind",
                    _("%(day)s is a weekday; only a weekend day can be a make-up workday.") % {"day": day},
                )
            )
        rows.append((day, kind))
    if not rows:
        raise HolidayFileError(_("The file has no days."))
    seen = {}
    for day, kind in rows:
        if day in seen and seen[day] != kind:
            raise HolidayFileError(_("%(day)s is listed both as holiday and as workday.") % {"day": day})
        seen[day] = kind
    years = sorted({day.year for day in seen})
    with transaction.atomic():
        SpecialDay.objects.filter(date__year__in=years).delete()
        SpecialDay.objects.bulk_create(SpecialDay(date=day, kind=kind) for day, kind in sorted(seen.items()))
        for year in years:
            CalendarYear.objects.update_or_create(year=year, defaults={"source": source[:100]})
    calendar_cache_clear()
    # Again once committed: a clock computed meanwhile in another thread read the old schedule.
    transaction.on_commit(calendar_cache_clear)
    return years


def missing_years(today: datetime.date | None = None) -> list[int]:
    """This year and next, where their schedule is not loaded (the administrators' banner)."""
    today = today or timezone.localdate()
    wanted = [today.year, today.year + 1] if today.month >= 10 else [today.year]
    loaded = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [year for year in wanted if year not in loaded]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    for last_day in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last_day))
        except ValueError:
            continue
    raise ValueError(day)


def remedy_deadlines(delivered_on: datetime.date) -> dict:
    """Reconsideration within 60 days and a lawsuit within 6 months, counted from delivery."""
    return {
        "reconsideration": delivered_on + datetime.timedelta(days=60),
        "lawsuit": add_months(delivered_on, 6),
    }
