"""What an approval puts in the ledger: the decision day, the approved aid spread over the counted
stays in proportion to each stay's remaining cost (INTERFACES section 10), and one ledger row per
counted stay - so every statistical breakdown by stay sums exactly to the total. Settlements write
their rows through the same functions."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from aidflow.cases.models import AidLedgerRow, Application, HospitalStay

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


# Who hears of every change to the ledger (the reports app, for corrections to signed-off months):
# each is called, inside the writing transaction, with a list of changes {"reference", "region",
# "category", "aid_type", "day", "aid" (Decimal; negative when taken out)}. Registered at start-up,
# so the cases layer tells the reports without importing them.
LEDGER_LISTENERS: list[Callable[[list[dict]], None]] = []


def ledger_listener_register(listener: Callable[[list[dict]], None]) -> None:
    if listener not in LEDGER_LISTENERS:
        LEDGER_LISTENERS.append(listener)


def _changed(changes: list[dict]) -> None:
    if changes:
        for listener in LEDGER_LISTENERS:
            listener(changes)


def _change(reference: str, row: AidLedgerRow | dict, aid: Decimal) -> dict:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return {
        "reference": reference,
        "region": get("region"),
        "category": get("category"),
        "aid_type": get("aid_type"),
        "day": get("day"),
        "aid": aid,
    }


def cents(amount: Decimal) -> int:
    return int((amount * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def chapter_of(icd10: str) -> str:
    return (icd10 or "")[:1].upper()


def aid_shares(amount: Decimal, remainings: list[Decimal]) -> list[Decimal]:
    """`amount` split in proportion to `remainings`, each rounded to 0.01, the rounding remainder on
    the largest share; all zero when nothing remains."""
    whole = sum(remainings, ZERO)
    if not remainings or whole <= 0 or amount <= 0:
        return [ZERO for _remaining in remainings]
    shares = [(amount * remaining / whole).quantize(CENT, rounding=ROUND_HALF_UP) for remaining in remainings]
    largest = max(range(len(shares)), key=lambda index: (shares[index], -index))
    shares[largest] += amount - sum(shares, ZERO)
    return shares


def ledger_record(application: Application, calculation: dict) -> None:
    """On the county's approval: the day, the stays' counted flags and shares, the ledger rows."""
    application.decided_on = timezone.localdate()
    stays = list(application.stays.order_by("index"))
    window = {item["index"]: item.get("counted", item.get("in_window", True)) for item in calculation.get("stays", [])}
    counted = [window.get(stay.index, True) for stay in stays]
    # The compliant cost as the county found it: less what it excluded on review.
    for stay in stays:
        stay.found_cost = stay.eligible_cost - sum(
            (Decimal(item["amount"]) for item in application.excluded_costs or [] if item["stay"] == stay.index),
            ZERO,
        )
    remainings = [
        max(
            ZERO,
            stay.found_cost
            - stay.basic_insurance
            - stay.serious_illness_insurance
            - stay.other_insurance
            - stay.charity
            - stay.hospital_reduction
            - stay.emergency_fund,
        )
        if is_counted
        else ZERO
        for stay, is_counted in zip(stays, counted, strict=True)
    ]
    shares = aid_shares(application.amount or ZERO, remainings)
    for stay, is_counted, share in zip(stays, counted, shares, strict=True):
        stay.counted, stay.aid_share = bool(is_counted), share
    HospitalStay.objects.bulk_update(stays, ["counted", "aid_share"])
    AidLedgerRow.objects.filter(application=application).delete()
    if not application.amount:
        # An approval at 0.00 (below the deductible) pays nothing: it is not aid the month reports.
        return
    _changed(
        [
            _change(
                application.number,
                {
                    "region": application.village_id,
                    "category": application.category,
                    "aid_type": application.aid_type,
                    "day": application.decided_on,
                },
                application.amount,
            )
        ]
    )
    AidLedgerRow.objects.bulk_create(
        AidLedgerRow(
            day=application.decided_on,
            region=application.village_id,
            person=application.id_number,
            category=application.category,
            aid_type=application.aid_type,
            route="application",
            level=stay.hospital_level,
            chapter=chapter_of(stay.icd10),
            total_cost=cents(stay.total_cost),
            eligible_cost=cents(max(ZERO, stay.found_cost)),
            basic_insurance=cents(stay.basic_insurance),
            serious_illness_insurance=cents(stay.serious_illness_insurance),
            other_payments=cents(stay.other_insurance + stay.charity),
            hospital_reduction=cents(stay.hospital_reduction),
            emergency_fund=cents(stay.emergency_fund),
            aid=cents(stay.aid_share),
            application=application,
        )
        for stay in stays
        if stay.counted
    )


def ledger_settlement_add(
    *,
    number: str,
    day,
    region: str,
    person: str,
    category: str,
    aid_type: str,
    level: int,
    icd10: str,
    costs: dict,
    aid: Decimal,
) -> None:
    """A settlement's one row (`costs`: total_cost, eligible_cost, basic_insurance,
    serious_illness_insurance, other_payments, hospital_reduction, emergency_fund as Decimals)."""
    _changed([_change(number, {"region": region, "category": category, "aid_type": aid_type, "day": day}, aid)])
    AidLedgerRow.objects.create(
        day=day,
        region=region,
        person=person,
        category=category,
        aid_type=aid_type,
        route="settlement",
        level=level,
        chapter=chapter_of(icd10),
        aid=cents(aid),
        settlement_number=number,
        **{name: cents(value) for name, value in costs.items()},
    )


def ledger_settlement_change(number: str, *, aid: Decimal, eligible_cost: Decimal) -> None:
    """A settlement whose aid was lowered in its claim's review (part of its cost refused)."""
    row = AidLedgerRow.objects.filter(route="settlement", settlement_number=number).first()
    if row is None:
        return
    _changed([_change(number, row, aid - Decimal(row.aid) / 100)])
    row.aid, row.eligible_cost = cents(aid), cents(eligible_cost)
    row.save(update_fields=["aid", "eligible_cost"])


def ledger_settlement_remove(*numbers: str) -> None:
    """Reversed or refused settlements no longer count. Their rows' monthly sums are locked first,
    in one order (PostgreSQL): two claim reviews refusing settlements of the same villages and
    months then queue instead of deadlocking on the sums the triggers update."""
    rows = AidLedgerRow.objects.filter(route="settlement", settlement_number__in=numbers)
    if connection.vendor == "postgresql" and len(numbers) > 1:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM cases_aidledgermonth m WHERE (m.month, m.region, m.category) IN ("
                " SELECT to_char(r.day, 'YYYY-MM'), r.region, r.category FROM cases_aidledgerrow r"
                " WHERE r.route = 'settlement' AND r.settlement_number = ANY(%s))"
                " ORDER BY m.month, m.region, m.category FOR UPDATE",
                [list(numbers)],
            )
    _changed(
        [
            _change(row.settlement_number, row, -Decimal(row.aid) / 100)
            for row in rows.only("settlement_number", "region", "category", "aid_type", "day", "aid")
        ]
    )
    rows.delete()


def ledger_application_remove(application: Application, *, release_stays: bool = False) -> None:
    """An approval revoked, or set aside (an appeal's outcome sends the case back to the county): its
    rows no longer count, and the listeners hear of the aid taken out. With `release_stays` (set aside)
    its stays hold no share of aid until the county decides again."""
    rows = AidLedgerRow.objects.filter(route="application", application=application)
    _changed(
        [
            _change(application.number, row, -Decimal(row.aid) / 100)
            for row in rows.only("region", "category", "aid_type", "day", "aid")
        ]
    )
    rows.delete()
    if release_stays:
        HospitalStay.objects.filter(application=application).update(counted=False, aid_share=ZERO)
