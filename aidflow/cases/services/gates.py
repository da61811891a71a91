"""The gates around the calculator (INTERFACES section 11, POLICY section 8): which stays the text
lets the fund pay for, read from the rolls, the hospital register and the referrals on file, and
what a reviewer should be warned of. One function for every door - the filing, its preview, the
county's recalculation, `calculate_aid` and the hospital window - so none can be gone round.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext as _

from aidflow.cases.models import StayClaim
from aidflow.cases.services.claims import normalised, registered_names
from aidflow.core.fields import money_text
from aidflow.policy.models import CATEGORY_GROUP, CategoryGroup, PolicyVersion, ReasonCode, WarningCode
from aidflow.policy.requests import Stay, StayGates
from aidflow.regions.codes import county_of
from aidflow.rolls.models import Hospital, Referral, RollPeriod

ZERO = Decimal("0.00")
# A basic-insurance figure below this share of what the rules would pay is flagged.
PLAUSIBLE_SHARE = Decimal("0.5")


@dataclass(frozen=True)
class GateResult:
    """The gates' verdict: what the calculator takes (`gates`), whether the county keeps a roll the
    category was checked against, and whether any stay was on it."""

    gates: StayGates
    roll_checked: bool
    on_roll_somewhere: bool
    hospitals: list[Hospital | None]


def rolls_kept(*, category: str, county: str) -> bool:
    """Whether the county keeps a roll that decides `category`: for the built-in key-recipient
    categories any roll of the county; for a county's own category, a roll of that category."""
    periods = RollPeriod.objects.filter(region__startswith=county)
    if CATEGORY_GROUP.get(category) != CategoryGroup.KEY_RECIPIENT:
        periods = periods.filter(category=category)
    return periods.exists()


def periods_overlapping(*, id_number: str, within: str, first: datetime.date, last: datetime.date, category=None):
    """The person's roll periods under `within` that share at least one day with first..last."""
    periods = RollPeriod.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=first), id_number=id_number, region__startswith=within
    ).filter(valid_from__lte=last)
    return periods.filter(category=category) if category else periods


def roll_categories_during(*, id_number: str, region: str, stays) -> list[str]:
    """The categories the county's rolls list the person under during any of the stays."""
    categories: set[str] = set()
    for stay in stays:
        categories.update(
            periods_overlapping(
                id_number=id_number, within=county_of(region), first=stay.admission_date, last=stay.discharge_date
            ).values_list("category", flat=True)
        )
    return sorted(categories)


def hospitals_of(stays) -> list[Hospital | None]:
    """Each stay's designated hospital: by its code, or by its registered name once spaces and
    full-width characters are normalised; None when the register does not know it."""
    names = registered_names()
    codes = [
        stay.hospital_code.strip().upper() if stay.hospital_code else names.get(normalised(stay.hospital), "").upper()
        for stay in stays
    ]
    found = {
        hospital.code_upper: hospital
        for hospital in Hospital.objects.annotate(code_upper=Upper("code")).filter(code_upper__in=set(codes) - {""})
    }
    return [found.get(code) if code else None for code in codes]


def referral_on_file(id_number: str, hospital: Hospital, stay: Stay) -> bool:
    """A referral of the person to that hospital dated on or before the admission, in the same year:
    the stay's medical year, or - for a stay admitted in December and discharged in January - the
    year of its admission, when the referral was made."""
    return Referral.objects.filter(
        id_number=id_number,
        to_hospital=hospital,
        date__lte=stay.admission_date,
        date__year__in={stay.admission_date.year, stay.discharge_date.year},
    ).exists()


def _earlier_stays(id_number: str, stays, exclude_application=None) -> list[datetime.date]:
    """Admission dates of the person's stays already claimed (any route) in the medical years concerned."""
    years = {stay.discharge_date.year for stay in stays}
    claims = StayClaim.objects.filter(
        id_number=id_number, admission_date__year__in=years | {year - 1 for year in years}
    )
    if exclude_application is not None:
        claims = claims.exclude(application=exclude_application)
    return list(claims.values_list("admission_date", flat=True))


def insurance_warnings(
    *, version: PolicyVersion | None, id_number: str, stays, insured: bool, exclude_application=None, levels=None
) -> list[dict]:
    """INSURANCE_IMPLAUSIBLE for each stay whose basic insurance is below half of what the policy's
    basic_insurance_rules (德人社〔2016〕32号 for the shipped policies) would pay on its compliant cost:
    deductible by hospital level and first or later stay of the medical year, then the level's rate."""
    rules = (version.basic_insurance_rules if version is not None else {}).get("levels") or {}
    if not rules or not insured:
        return []
    earlier = _earlier_stays(id_number, stays, exclude_application)
    warnings = []
    for index, stay in enumerate(stays):
        level = str((levels[index] if levels and levels[index] else None) or stay.hospital_level)
        rule = rules.get(level)
        if rule is None:
            continue
        year = stay.discharge_date.year
        later = any(day < stay.admission_date and day.year == year for day in earlier) or any(
            other.admission_date < stay.admission_date and other.discharge_date.year == year for other in stays
        )
        deductible = Decimal(rule["deductible_later" if later else "deductible_first"])
        expected = max(ZERO, stay.eligible_cost - deductible) * Decimal(rule["rate"])
        if expected > 0 and stay.basic_insurance < expected * PLAUSIBLE_SHARE:
            warnings.append(
                {
                    "code": WarningCode.INSURANCE_IMPLAUSIBLE,
                    "stay": index,
                    "message": _(
                        "Stay %(number)d: basic insurance %(paid)s is far below the %(expected)s that the "
                        "insurance rules would pay on a compliant cost of %(cost)s at a level-%(level)s hospital "
                        "(%(order)s stay of the year). Check the settlement bill."
                    )
                    % {
                        "number": index + 1,
                        "paid": money_text(stay.basic_insurance),
                        "expected": money_text(expected.quantize(Decimal("0.01"))),
                        "cost": money_text(stay.eligible_cost),
                        "level": level,
                        "order": _("a later") if later else _("the first"),
                    },
                }
            )
    return warnings


def stay_gates(
    *,
    id_number: str,
    category: str,
    paying_region: str,
    version: PolicyVersion | None,
    stays,
    insured: bool = True,
    cost_exclusions: dict | None = None,
    exclude_application=None,
) -> GateResult:
    """The stays that count for a claim of `id_number` paid by the county of `paying_region`."""
    county = county_of(paying_region)
    excluded: dict[int, str] = {}
    notes: dict[int, str] = {}
    hospitals = hospitals_of(stays)

    checked = category != "low_income" and rolls_kept(category=category, county=county)
    on_roll = False
    if checked:
        for index, stay in enumerate(stays):
            if periods_overlapping(
                id_number=id_number,
                within=county,
                first=stay.admission_date,
                last=stay.discharge_date,
                category=category,
            ).exists():
                on_roll = True
            else:
                excluded[index] = ReasonCode.NOT_ON_ROLL
                notes[index] = f"第{index + 1}次住院期间，患者不在本县该类救助对象名册上，不予计入"

    for index, (stay, hospital) in enumerate(zip(stays, hospitals, strict=True)):
        if index in excluded or version is None:
            continue
        if version.designated_only and (hospital is None or not hospital.designated_on(stay.discharge_date)):
            excluded[index] = ReasonCode.NOT_DESIGNATED
            notes[index] = f"第{index + 1}次住院的医院（{stay.hospital}）出院之日不是定点医疗机构，不予计入"
        elif (
            version.referral_required_outside_county
            and hospital is not None
            and hospital.county_id != county
            and not referral_on_file(id_number, hospital, stay)
        ):
            excluded[index] = ReasonCode.NO_REFERRAL
            notes[index] = (
                f"第{index + 1}次住院在县外医院（{hospital.name}），入院前未办理转诊备案，不予计入"
                "（须按规定办理转诊手续并报民政部门核准备案）"
            )

    warnings = insurance_warnings(
        version=version,
        id_number=id_number,
        stays=stays,
        insured=insured,
        exclude_application=exclude_application,
        levels=[hospital.level if hospital else None for hospital in hospitals],
    )
    gates = StayGates(excluded=excluded, notes=notes, cost_exclusions=cost_exclusions or {}, warnings=warnings)
    return GateResult(gates=gates, roll_checked=checked, on_roll_somewhere=on_roll, hospitals=hospitals)


def cost_exclusions_of(excluded_costs: list[dict]) -> dict[int, list[tuple[Decimal, str]]]:
    """The county's findings as stored on the application, by stay index."""
    result: dict[int, list[tuple[Decimal, str]]] = {}
    for item in excluded_costs or []:
        result.setdefault(int(item["stay"]), []).append((Decimal(item["amount"]), item["reason"]))
    return result
