"""Shifted-clock test sessions: AIDFLOW_TEST_TODAY=YYYY-MM-DD runs the whole session on that day.

The clock moves when pytest configures itself, before test modules are imported, so module-level
code, fixtures and the live server's threads all see the moved day. It keeps ticking from 10:00
Asia/Shanghai on that day (the project's time zone), so timestamps still advance and the day stays
the same for the length of a run. Only wall-clock time moves: time.monotonic() and
time.perf_counter() are untouched.
"""

from __future__ import annotations

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
import time_machine

VARIABLE = "AIDFLOW_TEST_TODAY"
START_TIME = datetime.time(10, 0)
SHANGHAI = ZoneInfo("Asia/Shanghai")
_traveller = pytest.StashKey[time_machine.travel]()
_day = pytest.StashKey[datetime.date]()


def requested_day() -> datetime.date | None:
    value = os.environ.get(VARIABLE, "").strip()
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise pytest.UsageError(f"{VARIABLE}={value!r} is not a date YYYY-MM-DD") from None


def pytest_configure(config):
    day = requested_day()
    if day is None:
        return
    traveller = time_machine.travel(datetime.datetime.combine(day, START_TIME, tzinfo=SHANGHAI), tick=True)
    traveller.start()
    config.stash[_traveller] = traveller
    config.stash[_day] = day


def pytest_unconfigure(config):
    traveller = config.stash.get(_traveller, None)
    if traveller is not None:
        traveller.stop()
        del config.stash[_traveller]


def pytest_report_header(config):
    day = config.stash.get(_day, None)
    if day is None:
        return f"clock: real ({VARIABLE} not set)"
    return f"clock: moved to {day.isoformat()} {START_TIME:%H:%M} Asia/Shanghai, ticking ({VARIABLE})"
