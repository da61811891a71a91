"""What an approval puts in the ledger: the decision day, and the approved aid spread over the
counted stays in proportion to each stay's remaining cost (INTERFACES section 10), so that every
statistical breakdown by stay sums exactly to the total."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from aidflow.cases.models import Application, HospitalStay

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


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
    """On the county's decision: the day, and for an approval the stays' counted flags and shares."""
    application.decided_on = timezone.localdate()
    stays = list(application.stays.order_by("index"))
    window = {item["index"]: item.get("in_window", True) for item in calculation.get("stays", [])}
    counted = [window.get(stay.index, True) for stay in stays]
    remainings = [
        max(
            ZERO,
            stay.eligible_cost
            - stay.basic_insurance
            - stay.serious_illness_insurance
            - stay.other_insurance
            - stay.charity,
        )
        if is_counted
        else ZERO
        for stay, is_counted in zip(stays, counted, strict=True)
    ]
    shares = aid_shares(application.amount or ZERO, remainings)
    for stay, is_counted, share in zip(stays, counted, shares, strict=True):
        stay.counted, stay.aid_share = bool(is_counted), share
    HospitalStay.objects.bulk_update(stays, ["counted", "aid_share"])
