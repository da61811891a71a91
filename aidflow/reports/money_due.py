"""The day limits on the county's money (INTERFACES section 15, item 6): a hospital's claim is
reviewed within `claim_review_days` working days of its submission, approved aid is paid within
`payment_days` working days of the decision (policy file; defaults 10 and 15). Due dates come from
the working-day calendar (aidflow.calendars), like every stage's."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aidflow.calendars.services import WORKING, due_date
from aidflow.policy.services import policy_select

DEFAULT_DAYS = {"claim_review_days": 10, "payment_days": 15}
# How far back a payment's decision day is searched for the last one already overdue.
SEARCH_DAYS = 120


def limit_days(county: str, key: str, day: datetime.date | None = None) -> int:
    """The county's policy limit `key` in working days (the default where the file names none)."""
    version = policy_select(region_code=county, filing_date=day or timezone.localdate())
    value = (version.content.get(key) if version else None) or DEFAULT_DAYS[key]
    return int(value)


def claim_review_due(claim) -> datetime.date:
    return due_date(
        received=claim.submitted_at, days=limit_days(claim.county, "claim_review_days"), counting=WORKING
    ).date


def payment_overdue_before(county: str, today: datetime.date | None = None) -> datetime.date | None:
    """The latest decision day whose payment is overdue today (None within SEARCH_DAYS): approved,
    unpaid aid decided on or before it is late. One calendar walk, then an indexed filter."""
    today = today or timezone.localdate()
    days = limit_days(county, "payment_days", today)
    day = today - datetime.timedelta(days=days)  # at least `days` calendar days back
    for _step in range(SEARCH_DAYS):
        if due_date(received=day, days=days, counting=WORKING).date < today:
            return day
        day -= datetime.timedelta(days=1)
    return None
