"""Reads shared by the settlement screens and the API: who sees which settlements and claims."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, Q, QuerySet, Subquery, Sum

from aidflow.core.errors import NotFound
from aidflow.core.search import name_or_number
from aidflow.policy.requests import History
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_q
from aidflow.rolls.models import Hospital
from aidflow.settlements.models import LIVE_STATUSES, RefusalCode, Settlement, SettlementClaim, SettlementStatus

ZERO = Decimal("0.00")
# Who reads settlements and claims: the hospital's clerk (its own), and the paying county's staff.
READERS = (Role.HOSPITAL_CLERK, Role.COUNTY_APPROVER, Role.COUNTY_FINANCE, Role.AUDITOR)


def settlement_history(id_number: str, aid_type: str, year: int) -> History:
    """What the person's live settlements of this aid type and medical year used, less revoked ones
    (applications count these through the cases' history sources)."""
    sums = Settlement.objects.filter(
        id_number=id_number, aid_type=aid_type, medical_year=year, status__in=LIVE_STATUSES, revocation__isnull=True
    ).aggregate(remaining=Sum("remaining_total"), granted=Sum("amount"))
    return History(remaining_before=sums["remaining"] or ZERO, granted_before=sums["granted"] or ZERO)


def _visible(user, queryset: QuerySet, field: str) -> QuerySet:
    """A hospital clerk sees its hospital's; staff and auditors those whose region `field` (the
    roll region of a settlement, the paying county of a claim) lies in their scope."""
    role = role_of(user)
    if role not in READERS or not user.is_active:
        return queryset.none()
    if role == Role.HOSPITAL_CLERK:
        hospital_id = user.staff.hospital_id
        return queryset.filter(hospital_id=hospital_id) if hospital_id else queryset.none()
    return queryset.filter(scope_q(user, field))


def settlements_visible(user) -> QuerySet[Settlement]:
    return _visible(user, Settlement.objects.select_related("hospital", "claim"), "region")


def settlements_filter(queryset: QuerySet[Settlement], *, month: str = "", status: str = "", q: str = ""):
    """The list filters: discharge month (YYYY-MM, already checked), status, name or number (one or two
    Chinese characters: the beginning of the name, aidflow.core.search)."""
    if month:
        year, number = (int(part) for part in month.split("-"))
        queryset = queryset.filter(discharge_date__year=year, discharge_date__month=number)
    if status:
        queryset = queryset.filter(status=status)
    if q:
        queryset = name_or_number(queryset, q, name="name", number="number")
    return queryset


def settlement_get(user, pk) -> Settlement:
    settlement = settlements_visible(user).filter(pk=pk).first()
    if settlement is None:
        raise NotFound("Settlement not found.")
    return settlement


def claims_visible(user) -> QuerySet[SettlementClaim]:
    return _visible(user, SettlementClaim.objects.select_related("hospital"), "county")


def claim_get(user, pk) -> SettlementClaim:
    claim = claims_visible(user).filter(pk=pk).first()
    if claim is None:
        raise NotFound("Claim not found.")
    return claim


def claim_other_payers(claim: SettlementClaim) -> dict[str, Decimal]:
    """What hospitals' reductions and the emergency fund paid on the claim's settlements."""
    sums = claim.settlements.aggregate(reduction=Sum("hospital_reduction"), emergency=Sum("emergency_fund"))
    return {"hospital_reduction": _cents(sums["reduction"]), "emergency_fund": _cents(sums["emergency"])}


def _cents(amount) -> Decimal:
    """A sum as money (SQLite's sums come back without the decimal places)."""
    return (amount or ZERO).quantize(ZERO)


def claimable(*, hospital, county: str, through) -> QuerySet[Settlement]:
    """The hospital's settled, unclaimed settlements paid by `county`, discharged on or before `through`."""
    return Settlement.objects.filter(
        hospital=hospital, county=county, status="settled", claim__isnull=True, discharge_date__lte=through
    )


def _same_stay_live(settlement) -> QuerySet[Settlement]:
    """The live settlements of the same stay (person, hospital, admission) other than `settlement`."""
    return Settlement.objects.filter(
        hospital=settlement.hospital,
        id_number=settlement.id_number,
        admission_date=settlement.admission_date,
        status__in=LIVE_STATUSES,
    ).exclude(pk=settlement.pk)


def settlement_resettled(settlement: Settlement) -> Settlement | None:
    """For a settlement the county sent back for correction: the hospital's corrected settlement of
    the same stay, once it has made one."""
    if settlement.status != SettlementStatus.REFUSED or settlement.refusal_code != RefusalCode.CORRECTION_NEEDED:
        return None
    return _same_stay_live(settlement).order_by("-pk").first()


def with_resettlement(queryset: QuerySet[Settlement]) -> QuerySet[Settlement]:
    """Each settlement with `resettled_as`: the number of the live settlement of the same stay made
    after the county sent it back for correction (None otherwise), read in one query."""
    later = Settlement.objects.filter(
        hospital=OuterRef("hospital"),
        id_number=OuterRef("id_number"),
        admission_date=OuterRef("admission_date"),
        status__in=LIVE_STATUSES,
        pk__gt=OuterRef("pk"),
    ).order_by("-pk")
    return queryset.annotate(resettled_as=Subquery(later.values("number")[:1]))


def refused_at(hospital, id_number: str) -> list[Settlement]:
    """The person's settlements at this hospital that the county refused, newest first, each with
    `resettled_as`: what the window may and may not settle again."""
    refused = Settlement.objects.filter(hospital=hospital, id_number=id_number.strip().upper(), status="refused")
    return list(with_resettlement(refused).order_by("-admission_date", "-pk")[:20])


def ledger_hospitals(user) -> QuerySet[Hospital]:
    """Whose reduction ledger (便民惠民台账) the user may read: a window clerk its own hospital's,
    county staff and auditors those of the hospitals in their counties."""
    role = role_of(user)
    if role not in READERS or not user.is_active:
        return Hospital.objects.none()
    if role == Role.HOSPITAL_CLERK:
        return Hospital.objects.filter(pk=user.staff.hospital_id)
    return Hospital.objects.filter(scope_q(user, "county__code")).order_by("code")


def ledger_hospital(user, code: str = "") -> Hospital:
    """The hospital of the ledger asked for (a clerk's own when no code is given); NotFound outside scope."""
    hospitals = ledger_hospitals(user)
    hospital = hospitals.filter(code=code).first() if code else hospitals.first()
    if hospital is None:
        raise NotFound("Hospital not found.")
    return hospital


def reduction_ledger(hospital: Hospital, month: str) -> QuerySet[Settlement]:
    """The hospital's live settlements discharged in `month` (YYYY-MM, already checked) on which the
    hospital reduced its fees or the emergency fund paid, by discharge day."""
    year, number = (int(part) for part in month.split("-"))
    return Settlement.objects.filter(
        Q(hospital_reduction__gt=0) | Q(emergency_fund__gt=0),
        hospital=hospital,
        status__in=LIVE_STATUSES,
        discharge_date__year=year,
        discharge_date__month=number,
    ).order_by("discharge_date", "pk")


def reduction_totals(settlements: QuerySet[Settlement]) -> dict:
    sums = settlements.aggregate(
        total=Sum("total_cost"), reduction=Sum("hospital_reduction"), emergency=Sum("emergency_fund")
    )
    return {
        "count": settlements.count(),
        "total_cost": _cents(sums["total"]),
        "hospital_reduction": _cents(sums["reduction"]),
        "emergency_fund": _cents(sums["emergency"]),
    }
