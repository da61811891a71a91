"""A policy change, simulated (INTERFACES section 14): before a new version is confirmed, the last
12 months' decided aid of a region is computed again under it - the approved applications and the
hospitals' live settlements - and compared with what was granted.

Each case keeps its facts as decided: its stored calculation input, the stays the gates left out
then (rolls, designation, referrals) and the costs the county excluded on review. Only the policy
changes. The person's annual history is simulated too, in the order the aid was granted: grants in
the window count at their simulated amounts, grants of the same medical year decided before the
window at their recorded amounts. `manage.py simulate_policy FILE` prints the same figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.cases.services.gates import cost_exclusions_of
from aidflow.core.fields import money_text
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.policy.calculator import calculate
from aidflow.policy.models import AidType, CategoryGroup, ReasonCode
from aidflow.policy.requests import History, PolicyTerms, StayGates, parse_request
from aidflow.policy.services import policy_preview
from aidflow.settlements.models import LIVE_STATUSES, Settlement

ZERO = Decimal("0.00")
WINDOW_DAYS = 365
LARGEST = 10
POOLED = (AidType.HOSPITALIZATION, AidType.MAJOR_DISEASE)


@dataclass
class Case:
    """One granted aid to run again: where it came from, its facts and what it was."""

    kind: str  # "application" or "settlement"
    number: str
    day: datetime.date
    id_number: str
    name: str
    category: str
    aid_type: str
    year: int
    calculation_input: dict
    gates: StayGates
    then: Decimal
    # The day the request was read on when it was decided (an application's filing date).
    read_on: datetime.date | None = None
    new: Decimal = ZERO


@dataclass
class Group:
    category: str
    aid_type: str
    cases: int = 0
    persons: set = field(default_factory=set)
    affected: set = field(default_factory=set)
    then: Decimal = ZERO
    new: Decimal = ZERO

    def as_json(self) -> dict:
        return {
            "category": self.category,
            "aid_type": self.aid_type,
            "cases": self.cases,
            "persons": len(self.persons),
            "persons_affected": len(self.affected),
            "then": money_text(self.then),
            "new": money_text(self.new),
            "difference": money_text(self.new - self.then),
        }


@dataclass
class Simulation:
    policy: str
    region: str
    date_from: datetime.date
    date_to: datetime.date
    groups: list[Group]
    largest: list[Case]

    def as_json(self) -> dict:
        then = sum((group.then for group in self.groups), ZERO)
        new = sum((group.new for group in self.groups), ZERO)
        return {
            "policy": self.policy,
            "region": self.region,
            "from": self.date_from.isoformat(),
            "to": self.date_to.isoformat(),
            "totals": {
                "cases": sum(group.cases for group in self.groups),
                "persons": len(set().union(*(group.persons for group in self.groups))),
                "persons_affected": len(set().union(*(group.affected for group in self.groups))),
                "then": money_text(then),
                "new": money_text(new),
                "difference": money_text(new - then),
            },
            "groups": [group.as_json() for group in self.groups],
            "largest": [
                {
                    "kind": case.kind,
                    "number": case.number,
                    "day": case.day.isoformat(),
                    "id_number": mask_resident_id(case.id_number),
                    "name": mask_name(case.name),
                    "category": case.category,
                    "aid_type": case.aid_type,
                    "then": money_text(case.then),
                    "new": money_text(case.new),
                    "difference": money_text(case.new - case.then),
                }
                for case in self.largest
            ],
        }


def _gates_then(calculation: dict, excluded_costs: list[dict]) -> StayGates:
    """The gates as they decided: the stays they left out (the claim period is checked again by
    the formula itself) and the costs excluded on review."""
    excluded = {
        int(stay["index"]): stay["excluded"]
        for stay in calculation.get("stays") or []
        if stay.get("excluded") and stay["excluded"] != ReasonCode.EXPENSE_OUT_OF_WINDOW
    }
    return StayGates(excluded=excluded, cost_exclusions=cost_exclusions_of(excluded_costs))


def _cases(region: str, start: datetime.date, end: datetime.date) -> list[Case]:
    applications = Application.objects.filter(
        village__code__startswith=region,
        status=Status.APPROVED,
        decided_on__range=(start, end),
        revocation__isnull=True,
    ).order_by("decided_on", "pk")
    cases = [
        Case(
            kind="application",
            number=item.number,
            day=item.decided_on,
            id_number=item.id_number,
            name=item.patient_name or item.applicant_name,
            category=item.category,
            aid_type=item.aid_type,
            year=item.medical_year,
            calculation_input=item.calculation_input,
            gates=_gates_then(item.calculation, item.excluded_costs),
            then=item.amount or ZERO,
            read_on=item.filing_date,
        )
        for item in applications.iterator(chunk_size=2000)
    ]
    settlements = Settlement.objects.filter(
        region__startswith=region,
        status__in=LIVE_STATUSES,
        settled_at__date__range=(start, end),
        revocation__isnull=True,
    ).order_by("settled_at", "pk")
    cases += [
        Case(
            kind="settlement",
            number=item.number,
            day=timezone.localtime(item.settled_at).date(),
            id_number=item.id_number,
            name=item.name,
            category=item.category,
            aid_type=item.aid_type,
            year=item.medical_year,
            calculation_input=item.calculation_input,
            gates=_gates_then(item.calculation, []),
            then=item.amount,
        )
        for item in settlements.iterator(chunk_size=2000)
    ]
    cases.sort(key=lambda case: case.day)
    return cases


def _history_key(case: Case, terms: PolicyTerms, pooled: bool) -> tuple:
    aid_type = case.aid_type
    if pooled and aid_type in POOLED and terms.group_of(case.category) == CategoryGroup.KEY_RECIPIENT:
        aid_type = "pooled"
    return case.id_number, aid_type, case.year


def _before_window(region: str, start: datetime.date, terms: PolicyTerms, pooled: bool) -> dict[tuple, History]:
    """Recorded grants of the window's medical years decided before it starts."""
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    rows = (
        Application.objects.filter(
            village__code__startswith=region,
            status=Status.APPROVED,
            decided_on__lt=start,
            medical_year__gte=start.year,
            revocation__isnull=True,
        )
        .values_list("id_number", "aid_type", "medical_year", "category")
        .annotate(remaining=Sum("remaining_total"), granted=Sum("amount"))
    )
    settled = (
        Settlement.objects.filter(
            region__startswith=region,
            status__in=LIVE_STATUSES,
            settled_at__date__lt=start,
            medical_year__gte=start.year,
            revocation__isnull=True,
        )
        .values_list("id_number", "aid_type", "medical_year", "category")
        .annotate(remaining=Sum("remaining_total"), granted=Sum("amount"))
    )
    for number, aid_type, year, category, remaining, granted in [*rows, *settled]:
        probe = Case("", "", start, number, "", category, aid_type, year, {}, StayGates(), ZERO)
        total = sums[_history_key(probe, terms, pooled)]
        total[0] += remaining or ZERO
        total[1] += granted or ZERO
    return {key: History(remaining_before=value[0], granted_before=value[1]) for key, value in sums.items()}


def policy_simulate(*, data: object, region: str | None = None, today: datetime.date | None = None) -> Simulation:
    """The last 12 months' granted aid of `region` (default: the policy file's region) computed
    again under the policy file `data`, not loaded. Raises InputErrors for a bad file."""
    version, terms = policy_preview(data=data)
    region = region or version.region_code
    end = today or timezone.localdate()
    start = end - datetime.timedelta(days=WINDOW_DAYS)
    pooled = version.annual_cap_pool == "one"
    extra = [item["code"] for item in version.extra_categories]
    history = _before_window(region, start, terms, pooled)
    groups: dict[tuple, Group] = {}
    cases = _cases(region, start, end)
    for case in cases:
        key = _history_key(case, terms, pooled)
        before = history.get(key, History())
        request = parse_request(case.calculation_input, today=case.read_on or case.day, extra_categories=extra)
        result = calculate(request, terms, before, case.gates)
        case.new = result.amount if result.eligible else ZERO
        history[key] = History(
            remaining_before=before.remaining_before + result.remaining,
            granted_before=before.granted_before + case.new,
        )
        group = groups.setdefault((case.category, case.aid_type), Group(case.category, case.aid_type))
        group.cases += 1
        group.persons.add(case.id_number)
        if case.new != case.then:
            group.affected.add(case.id_number)
        group.then += case.then
        group.new += case.new
    largest = sorted((case for case in cases if case.new != case.then), key=lambda c: -abs(c.new - c.then))
    return Simulation(
        policy=version.code,
        region=region,
        date_from=start,
        date_to=end,
        groups=[groups[key] for key in sorted(groups)],
        largest=largest[:LARGEST],
    )
