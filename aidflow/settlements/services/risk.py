"""Risk flags and the sample of a hospital's monthly claim (INTERFACES section 15, item 1), set when
the claim is submitted, inside its transaction, so the review starts where the risk is:

- HIGH_VALUE: the stay's total cost at or above the county's threshold (`risk.high_value`);
- LONG_STAY / HIGH_COST_FOR_CHAPTER: days or total cost above `risk.chapter_factor` times the
  median of the county's settlements of the last 12 months of the same ICD-10 chapter and hospital
  level (a group of fewer than MIN_GROUP stays has no median worth comparing with);
- READMISSION_15_DAYS: admitted to the same hospital within `risk.readmission_days` of a discharge
  (the later stay is flagged);
- OVERLAPPING_STAYS: the same person settled at another hospital for days that overlap;
- INSURANCE_IMPLAUSIBLE: the fund-safety warning of the settlement's calculation;
- SAMPLED: a share (`risk.sample_share`) drawn by a hash of the claim's and the settlement's
  numbers: reproducible by anyone who checks it, unknown to the hospital beforehand.

Everything is read in a handful of set queries and computed in memory: a claim of 50,000
settlements costs no query per settlement."""

from __future__ import annotations

import bisect
import datetime
import hashlib
import math
import statistics
from collections import defaultdict
from decimal import Decimal

from django.db.models import Q
from django.db.models.fields.json import KT
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from aidflow.core.fields import money_text
from aidflow.core.labels.icd10 import CHAPTERS
from aidflow.policy.models import WarningCode
from aidflow.policy.services import policy_select
from aidflow.settlements.models import LIVE_STATUSES, Settlement, SettlementClaim

DEFAULTS = {"high_value": "50000.00", "readmission_days": 15, "sample_share": "0.05", "chapter_factor": "3.0"}
MIN_GROUP = 5
# An overlap is looked for among stays admitted at most this long before: longer stays are unheard of.
MAX_STAY_DAYS = 366
CHUNK = 2000
FLAG_CODES = (
    "HIGH_VALUE",
    "LONG_STAY",
    "HIGH_COST_FOR_CHAPTER",
    "READMISSION_15_DAYS",
    "OVERLAPPING_STAYS",
    "INSURANCE_IMPLAUSIBLE",
    "SAMPLED",
)
# Sent inside the claim's transaction with the settlements drawn (aidflow.verifications asks their
# patients): sender SettlementClaim, claim, settlements.
claim_sampled = Signal()


def risk_terms(county: str, day: datetime.date) -> dict:
    """The county's thresholds: the policy file's `risk` over the defaults."""
    version = policy_select(region_code=county, filing_date=day)
    given = (version.content.get("risk") if version else None) or {}
    terms = {**DEFAULTS, **given}
    return {
        "high_value": Decimal(str(terms["high_value"])),
        "readmission_days": int(terms["readmission_days"]),
        "sample_share": Decimal(str(terms["sample_share"])),
        "chapter_factor": Decimal(str(terms["chapter_factor"])),
    }


def chapter_of(icd10: str) -> int | None:
    """The ICD-10 chapter (its index in CHAPTERS) of a code such as C34.9."""
    code = (icd10 or "").strip().upper().replace(".", "")[:3]
    if len(code) < 3:
        return None
    for index, (first, last, _name) in enumerate(CHAPTERS):
        if first <= code <= last:
            return index
    return None


def _days(row) -> int:
    return (row["discharge_date"] - row["admission_date"]).days


def _medians(county: str, today: datetime.date) -> dict[tuple, tuple[Decimal, Decimal]]:
    """(chapter, hospital level) -> (median days, median total cost) over the county's last year."""
    groups: dict[tuple, tuple[list, list]] = defaultdict(lambda: ([], []))
    rows = Settlement.objects.filter(
        county=county, status__in=LIVE_STATUSES, discharge_date__gte=today - datetime.timedelta(days=365)
    ).values_list("icd10", "hospital__level", "admission_date", "discharge_date", "total_cost")
    for icd10, level, admitted, discharged, cost in rows.iterator(chunk_size=CHUNK):
        chapter = chapter_of(icd10)
        if chapter is not None:
            days, costs = groups[(chapter, level)]
            days.append((discharged - admitted).days)
            costs.append(cost)
    return {
        key: (Decimal(statistics.median(days)), statistics.median(costs))
        for key, (days, costs) in groups.items()
        if len(days) >= MIN_GROUP
    }


def _flag(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def _sample(claim: SettlementClaim, numbers: dict[int, str], share: Decimal) -> set[int]:
    """The drawn settlements: the `share` whose hash of (claim, settlement) numbers is smallest."""
    if share <= 0 or not numbers:
        return set()
    size = min(len(numbers), max(1, math.ceil(len(numbers) * share)))
    key = {pk: hashlib.sha256(f"{claim.number}:{number}".encode()).hexdigest() for pk, number in numbers.items()}
    return set(sorted(numbers, key=key.__getitem__)[:size])


class Stays:
    """One person's other stays, sorted for range searches: by discharge (readmissions) and by
    admission (overlaps)."""

    def __init__(self, stays: list[tuple]):
        self.by_discharge = sorted(stays, key=lambda stay: (stay[1], stay[0]))
        self.discharges = [stay[1] for stay in self.by_discharge]
        self.by_admission = sorted(stays)
        self.admissions = [stay[0] for stay in self.by_admission]


def _neighbours(claim: SettlementClaim, rows: list[dict], days: int) -> tuple[dict, dict]:
    """Other live settlements of the claim's patients around its dates: the same hospital's (for
    readmissions) and other hospitals' (for overlaps), by person."""
    first = min(row["admission_date"] for row in rows) - datetime.timedelta(days=days)
    last = max(row["discharge_date"] for row in rows)
    persons = sorted({row["id_number"] for row in rows})
    same: dict[str, list] = defaultdict(list)
    other: dict[str, list] = defaultdict(list)
    for start in range(0, len(persons), CHUNK):
        found = (
            Settlement.objects.filter(id_number__in=persons[start : start + CHUNK], status__in=LIVE_STATUSES)
            .filter(Q(discharge_date__gte=first) & Q(admission_date__lte=last))
            .values_list("pk", "id_number", "hospital_id", "hospital__name", "admission_date", "discharge_date")
        )
        for pk, person, hospital, name, admitted, discharged in found:
            (same if hospital == claim.hospital_id else other)[person].append((admitted, discharged, pk, name))
    return (
        {person: Stays(stays) for person, stays in same.items()},
        {person: Stays(stays) for person, stays in other.items()},
    )


def _readmission(row: dict, stays: Stays | None, days: int) -> dict | None:
    """A discharge from the same hospital within `days` before this admission (the latest such)."""
    if stays is None:
        return None
    admitted = row["admission_date"]
    low = bisect.bisect_left(stays.discharges, admitted - datetime.timedelta(days=days))
    high = bisect.bisect_right(stays.discharges, admitted)
    for index in range(high - 1, low - 1, -1):
        earlier, discharged, pk, _name = stays.by_discharge[index]
        if pk != row["pk"] and earlier < admitted:
            return _flag(
                "READMISSION_15_DAYS",
                _("Admitted again %(gap)d days after a discharge from this hospital on %(day)s.")
                % {"gap": (admitted - discharged).days, "day": discharged.isoformat()},
            )
    return None


def _overlap(row: dict, stays: Stays | None) -> dict | None:
    """Another hospital's stay of the same person sharing a day with this one."""
    if stays is None:
        return None
    high = bisect.bisect_right(stays.admissions, row["discharge_date"])
    for index in range(high - 1, -1, -1):
        admitted, discharged, _pk, name = stays.by_admission[index]
        if discharged >= row["admission_date"]:
            return _flag(
                "OVERLAPPING_STAYS",
                _("Also settled at %(hospital)s for %(first)s to %(last)s, days that overlap.")
                % {"hospital": name, "first": admitted.isoformat(), "last": discharged.isoformat()},
            )
        if admitted < row["admission_date"] - datetime.timedelta(days=MAX_STAY_DAYS):
            return None  # earlier stays than this would have lasted implausibly long
    return None


def _flags_of(row: dict, terms: dict, medians: dict, same: dict, other: dict) -> list[dict]:
    flags = []
    if row["total_cost"] >= terms["high_value"]:
        flags.append(
            _flag(
                "HIGH_VALUE",
                _("Total cost %(cost)s is at or above the county's threshold of %(limit)s.")
                % {"cost": money_text(row["total_cost"]), "limit": money_text(terms["high_value"])},
            )
        )
    median = medians.get((chapter_of(row["icd10"]), row["hospital__level"]))
    factor = terms["chapter_factor"]
    if median is not None:
        if median[0] > 0 and _days(row) > factor * median[0]:
            flags.append(
                _flag(
                    "LONG_STAY",
                    _("%(days)d days in hospital, over %(factor)s times the median of %(median)s for its chapter.")
                    % {"days": _days(row), "factor": factor, "median": median[0]},
                )
            )
        if median[1] > 0 and row["total_cost"] > factor * median[1]:
            flags.append(
                _flag(
                    "HIGH_COST_FOR_CHAPTER",
                    _("Total cost %(cost)s, over %(factor)s times the median of %(median)s for its chapter.")
                    % {"cost": money_text(row["total_cost"]), "factor": factor, "median": money_text(median[1])},
                )
            )
    for found in (
        _readmission(row, same.get(row["id_number"]), terms["readmission_days"]),
        _overlap(row, other.get(row["id_number"])),
    ):
        if found:
            flags.append(found)
    # The calculation's warnings as JSON text: the code appears in it or not.
    if WarningCode.INSURANCE_IMPLAUSIBLE in (row["warnings"] or ""):
        flags.append(_flag("INSURANCE_IMPLAUSIBLE", _("Basic insurance paid implausibly little for this stay.")))
    return flags


def claim_flags_set(claim: SettlementClaim) -> None:
    """Flag and draw the claim's settlements; call inside the claim's transaction. The messages are
    Chinese whatever the caller's language: they are the record the county reviews."""
    today = timezone.localdate()
    terms = risk_terms(claim.county, today)
    rows = list(
        claim.settlements.values(
            "pk", "number", "id_number", "hospital__level", "admission_date", "discharge_date", "total_cost", "icd10"
        ).annotate(warnings=KT("calculation__warnings"))
    )
    if not rows:
        return
    medians = _medians(claim.county, today)
    same, other = _neighbours(claim, rows, terms["readmission_days"])
    sampled = _sample(claim, {row["pk"]: row["number"] for row in rows}, terms["sample_share"])
    changed = []
    with override("zh-hans"):
        drawn = _("Drawn in the claim's random sample for review.")
        for row in rows:
            flags = _flags_of(row, terms, medians, same, other)
            if row["pk"] in sampled:
                flags.append(_flag("SAMPLED", drawn))
            if flags:
                changed.append(Settlement(pk=row["pk"], flags=flags, flagged=True))
    Settlement.objects.bulk_update(changed, ["flags", "flagged"], batch_size=CHUNK)
    claim.flagged_count = len(changed)
    claim.sampled_count = len(sampled)
    claim.save(update_fields=["flagged_count", "sampled_count"])
    if sampled:
        claim_sampled.send(sender=SettlementClaim, claim=claim, settlements=claim.settlements.filter(pk__in=sampled))
