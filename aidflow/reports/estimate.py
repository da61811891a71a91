"""The year ahead (INTERFACES section 14, seed 002 line ~1828: the county estimates next year's fund
needs from its recipients and their illness).

For a county or city and a base year: the recipients on the rolls by category, the share of them
aided in the year (患病率 as the text uses it), the aid per aided person by category and aid type,
each against the previous year, and next year's estimate with its formula:

- a category kept on a roll: on the roll on the reference day x the share aided x the aid per aided
  person x (1 + that aid's growth over the previous year);
- a category without a roll (low-income, ...): the year's aid x (1 + its growth).

A growth with no previous-year figure to compare is taken as zero, and said so. The figures read
the aid ledger (`cases.AidLedgerRow`, the statistics' table) and the roll periods.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.models import AidLedgerRow
from aidflow.core.errors import ActionForbidden, InputErrors, NotFound
from aidflow.core.fields import money_text
from aidflow.core.labels import label, region_name
from aidflow.regions.codes import level_of, normalise_code
from aidflow.regions.models import Level
from aidflow.regions.scope import REPORT_PERMISSIONS, in_scope, role_of
from aidflow.reports.ledger import READERS
from aidflow.rolls.models import RollPeriod

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
FIRST_YEAR = 2000


def estimate_params(*, user, region: object, year: object, today: datetime.date | None = None) -> tuple[str, int]:
    """(region, year) of a request, checked: a county or city in the reader's scope, a year begun."""
    if role_of(user) not in READERS:
        raise ActionForbidden(_("The fund-needs estimate is for county approvers, county finance and auditors."))
    today = today or timezone.localdate()
    errors, code, number = {}, None, None
    try:
        code = normalise_code(str(region or ""))
        if level_of(code) not in (Level.COUNTY, Level.CITY):
            errors["region"] = [_("The estimate is made for a county or a city.")]
    except ValidationError as error:
        errors["region"] = error.messages
    text = str(year or today.year)
    if len(text) != 4 or not text.isdigit():
        errors["year"] = [_("A year is written YYYY, e.g. 2026.")]
    else:
        number = int(text)
        if not FIRST_YEAR <= number <= today.year:
            errors["year"] = [_("The base year is a year that has begun, from 2000 on.")]
    if errors:
        raise InputErrors(errors)
    if not in_scope(user, code, REPORT_PERMISSIONS):
        raise NotFound(_("No such region in your scope."))
    return code, number


def _aid(prefix: str, year: int, key: str) -> dict[str, dict]:
    rows = (
        AidLedgerRow.objects.filter(region__startswith=prefix, day__year=year)
        .values(key)
        .annotate(persons=Count("person", distinct=True), aid=Sum("aid"))
    )
    return {row[key]: {"persons": row["persons"], "aid": Decimal(row["aid"] or 0) / 100} for row in rows}


def _on_roll(prefix: str, first: datetime.date, last: datetime.date) -> dict[str, int]:
    """Persons on each roll at some time between `first` and `last`."""
    periods = RollPeriod.objects.filter(region__startswith=prefix, valid_from__lte=last).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first)
    )
    counted = periods.values("category").annotate(persons=Count("id_number", distinct=True))
    return {row["category"]: row["persons"] for row in counted}


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if not denominator else (Decimal(numerator) / Decimal(denominator)).quantize(SHARE, ROUND_HALF_UP)


def _share_text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.4f}"


def _growth(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    """now / before - 1, or None without both figures."""
    return (now / before - 1).quantize(SHARE, ROUND_HALF_UP) if now and before else None


def _money_or_none(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value.quantize(CENT, ROUND_HALF_UP))


NOTHING = {"persons": 0, "aid": ZERO}


def _category_line(code: str, *, rolls: dict, aid: dict, aid_before: dict, roll_kinds: set) -> dict:
    block, before = aid.get(code, NOTHING), aid_before.get(code, NOTHING)
    average = _ratio(block["aid"], block["persons"])
    average_before = _ratio(before["aid"], before["persons"])
    line = {
        "category": code,
        "name": label("category", code),
        "aided": block["persons"],
        "aided_previous": before["persons"],
        "aid": money_text(block["aid"]),
        "aid_previous": money_text(before["aid"]),
        "average_aid": _money_or_none(average),
        "average_aid_previous": _money_or_none(average_before),
    }
    if code in roll_kinds:
        on_roll, on_roll_before, on_reference = (rolls[key].get(code, 0) for key in ("year", "previous", "reference"))
        prevalence = _ratio(block["persons"], on_roll)
        growth = _growth(average, average_before)
        estimate = on_reference * (prevalence or 0) * (average or 0) * (1 + (growth or 0))
        line.update(
            basis="roll",
            on_roll=on_roll,
            on_roll_previous=on_roll_before,
            on_roll_reference=on_reference,
            prevalence=_share_text(prevalence),
            prevalence_previous=_share_text(_ratio(before["persons"], on_roll_before)),
        )
    else:
        growth = _growth(block["aid"], before["aid"])
        estimate = block["aid"] * (1 + (growth or 0))
        line.update(basis="aid", on_roll=None, on_roll_previous=None, on_roll_reference=None, prevalence=None)
        line["prevalence_previous"] = None
    line.update(
        growth=_share_text(growth),
        growth_assumed_zero=growth is None,
        estimate=money_text(Decimal(estimate).quantize(CENT, ROUND_HALF_UP)),
    )
    return line


def annual_estimate(*, region: str, year: int, today: datetime.date | None = None) -> dict:
    """The estimate for `year + 1` from `year`'s figures of a county or city (checked by the caller)."""
    today = today or timezone.localdate()
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    reference = min(last, today)
    rolls = {
        "year": _on_roll(region, first, last),
        "previous": _on_roll(region, first.replace(year=year - 1), last.replace(year=year - 1)),
        "reference": _on_roll(region, reference, reference),
    }
    aid, aid_before = _aid(region, year, "category"), _aid(region, year - 1, "category")
    # A category is estimated from its roll when someone was on that roll in the base year.
    roll_kinds = {code for code, persons in rolls["year"].items() if persons}
    codes = sorted(set(aid) | set(aid_before) | roll_kinds)
    lines = [_category_line(code, rolls=rolls, aid=aid, aid_before=aid_before, roll_kinds=roll_kinds) for code in codes]
    types, types_before = _aid(region, year, "aid_type"), _aid(region, year - 1, "aid_type")
    aid_types = []
    for code in sorted(set(types) | set(types_before)):
        block, before = types.get(code, NOTHING), types_before.get(code, NOTHING)
        average, average_before = _ratio(block["aid"], block["persons"]), _ratio(before["aid"], before["persons"])
        aid_types.append(
            {
                "aid_type": code,
                "name": label("aid_type", code),
                "persons": block["persons"],
                "aid": money_text(block["aid"]),
                "average_aid": _money_or_none(average),
                "persons_previous": before["persons"],
                "aid_previous": money_text(before["aid"]),
                "average_aid_previous": _money_or_none(average_before),
                "growth": _share_text(_growth(average, average_before)),
            }
        )
    aided = AidLedgerRow.objects.filter(region__startswith=region, day__year=year).aggregate(
        persons=Count("person", distinct=True)
    )["persons"]
    return {
        "region": region,
        "region_name": region_name(region),
        "year": year,
        "estimate_year": year + 1,
        "reference_date": reference.isoformat(),
        "year_complete": today > last,
        "formula": {
            "roll": _(
                "estimate = on the roll on the reference day × share aided × aid per aided person"
                " × (1 + growth of the aid per aided person)"
            ),
            "aid": _("estimate = the year's aid × (1 + growth of the aid over the previous year)"),
            "growth": _("A growth with no previous-year figure to compare is taken as zero."),
        },
        "categories": lines,
        "aid_types": aid_types,
        "totals": {
            "on_roll": sum(line["on_roll"] or 0 for line in lines),
            "on_roll_reference": sum(line["on_roll_reference"] or 0 for line in lines),
            "aided": aided,
            "aid": money_text(sum((Decimal(line["aid"]) for line in lines), ZERO)),
            "aid_previous": money_text(sum((Decimal(line["aid_previous"]) for line in lines), ZERO)),
            "estimate": money_text(sum((Decimal(line["estimate"]) for line in lines), ZERO)),
        },
    }
