"""Dates from query parameters, read one way by every screen and the API."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors

# Reports look back no further than this and forward no further than today's year + 1: a date
# outside is a typo (0001-01-01, 9999-12-31), not a period anyone reports on.
EARLIEST = datetime.date(2000, 1, 1)


# Filters beyond these years are ignored: they would overflow the time-zone arithmetic.
FILTER_YEARS = (1900, 2999)


def date_param(value: str | None) -> datetime.date | None:
    """A date YYYY-MM-DD, or None when the value is empty, not such a date or beyond any record
    (lenient filters)."""
    if not value or len(value) != 10:
        return None
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return None
    return day if FILTER_YEARS[0] <= day.year <= FILTER_YEARS[1] else None


def period_defaults() -> tuple[datetime.date, datetime.date]:
    """This year so far."""
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def date_range(params, *, start_name: str = "from", end_name: str = "to") -> tuple[datetime.date, datetime.date]:
    """A reporting period from query parameters, this year so far by default; InputErrors names a bad bound."""
    today = timezone.localdate()
    defaults = dict(zip((start_name, end_name), period_defaults(), strict=True))
    latest = datetime.date(today.year + 1, 12, 31)
    errors: dict[str, list[str]] = {}
    dates: dict[str, datetime.date] = {}
    for name, default in defaults.items():
        raw = params.get(name)
        day = date_param(raw) if raw else default
        if day is None:
            errors[name] = [_("%(value)r is not a date YYYY-MM-DD.") % {"value": raw}]
        elif not EARLIEST <= day <= latest:
            errors[name] = [
                _("Must lie between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": latest.isoformat()}
            ]
        else:
            dates[name] = day
    if errors:
        raise InputErrors(errors)
    return dates[start_name], dates[end_name]


def day_bounds(start: datetime.date | None, end: datetime.date | None):
    """The aware datetimes [start 00:00, the day after end 00:00) in the local time zone; None stays None."""
    lower = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)) if start else None
    upper = (
        timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
        if end
        else None
    )
    return lower, upper


# Months people report on: a year outside this range is a typo (0001-01, 9999-12), and the months
# after it would overflow the date arithmetic.
MONTH_YEARS = (1900, 2100)


def month_value(raw: object) -> tuple[int, int] | None:
    """(year, month) of a YYYY-MM text within MONTH_YEARS, or None."""
    if not isinstance(raw, str) or len(raw) != 7 or raw[4] != "-" or not (raw[:4] + raw[5:]).isdigit():
        return None
    year, month = int(raw[:4]), int(raw[5:])
    if not (MONTH_YEARS[0] <= year <= MONTH_YEARS[1] and 1 <= month <= 12):
        return None
    return year, month
