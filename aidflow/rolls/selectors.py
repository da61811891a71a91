"""What the rolls say about a person on a day: the one place key-recipient status is decided."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Q, Value, When

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


def hospitals_with_suspension(county: str | None = None):
    """The hospitals (of one county, if given) with `suspended_from` and `suspension_reason` of the
    suspension not lifted, or None."""
    from django.db.models import OuterRef, Subquery

    from aidflow.rolls.models import HospitalSuspension

    live = HospitalSuspension.objects.filter(hospital=OuterRef("pk"), lifted_at__isnull=True)
    hospitals = hospitals_list().annotate(
        suspended_from=Subquery(live.values("suspended_from")[:1]),
        suspension_reason=Subquery(live.values("reason")[:1]),
    )
    return hospitals.filter(county_id=county) if county else hospitals


def hospitals_search(*, text: str, county: str, limit: int = 20) -> tuple[list[Hospital], bool]:
    """Designated hospitals whose name contains `text` (spaces ignored) or whose code starts with it:
    those of `county` first, then of its city, then the others, by name. Returns (at most `limit`
    hospitals, whether there are more)."""
    words = "".join(text.split())
    hospitals = Hospital.objects.select_related("county")
    if words:
        hospitals = hospitals.filter(Q(name__icontains=words) | Q(code__istartswith=words))
    near = Case(
        When(county_id=county, then=Value(0)),
        When(county__code__startswith=county[:4] or "-", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    found = list(hospitals.annotate(near=near).order_by("near", "name", "code")[: limit + 1])
    return found[:limit], len(found) > limit


# When a person is on several rolls on one day, the category a settlement records: the order of
# the policy's list of key recipients; a county's own categories after them.
CATEGORY_ORDER = ("tekun", "dibao", "orphan", "child_in_distress")


def roll_period_on(*, id_number: str, on: datetime.date, within: str) -> RollPeriod | None:
    """The person's roll period covering `on` among the rolls of regions under `within` (a city
    for a hospital), or None."""
    periods = list(
        RollPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
            id_number=id_number,
            region__startswith=within,
            valid_from__lte=on,
        )
    )
    if not periods:
        return None
    rank = {category: index for index, category in enumerate(CATEGORY_ORDER)}
    return min(periods, key=lambda period: (rank.get(period.category, len(rank)), period.category))


def roll_period_during(*, id_number: str, first: datetime.date, last: datetime.date, within: str) -> RollPeriod | None:
    """The person's roll period among the rolls of regions under `within` that shares at least one
    day with first..last (a stay): status when the costs arose (INTERFACES section 11). Several:
    the category order above, then the period covering the most recent day."""
    periods = list(
        RollPeriod.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
            id_number=id_number,
            region__startswith=within,
            valid_from__lte=last,
        )
    )
    if not periods:
        return None
    rank = {category: index for index, category in enumerate(CATEGORY_ORDER)}
    return min(
        periods,
        key=lambda period: (rank.get(period.category, len(rank)), period.category, -period.valid_from.toordinal()),
    )
