"""What the rolls say about a person on a day: the one place key-recipient status is decided."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q

from aidflow.regions.codes import county_of
from aidflow.rolls.models import Hospital, RollPeriod


@dataclass(frozen=True)
class RollStatus:
    """`checked` is False where the county has no roll yet: the category is then taken as filed."""

    checked: bool
    categories: frozenset[str]


def roll_status(*, id_number: str, region_code: str, on: datetime.date) -> RollStatus:
    """The person's roll categories on `on`, by the rolls of the county that `region_code` lies in."""
    county = county_of(region_code)
    if not RollPeriod.objects.filter(region__startswith=county).exists():
        return RollStatus(checked=False, categories=frozenset())
    periods = RollPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        id_number=id_number,
        region__startswith=county,
        valid_from__lte=on,
    )
    return RollStatus(checked=True, categories=frozenset(periods.values_list("category", flat=True)))


def roll_periods(id_number: str):
    return RollPeriod.objects.filter(id_number=id_number).order_by("valid_from", "category")


def hospitals_list():
    return Hospital.objects.select_related("county").order_by("code")
