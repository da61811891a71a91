"""Refusing part of a settlement in a claim's review (INTERFACES section 15, item 2): an amount of
its compliant cost, with a reason code, comes off and the aid is computed again - the same stay,
policy version and history as at the window, the refused amount excluded like a cost the county
finds non-compliant on an application. The patient keeps what the window gave: the hospital bears
the refused aid, and the claim pays the rest."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from aidflow.cases.services.ledger import ledger_settlement_change
from aidflow.core.fields import money_text
from aidflow.policy.calculator import calculate
from aidflow.policy.requests import History, StayGates, parse_request
from aidflow.policy.services import policy_terms
from aidflow.settlements.models import Settlement, SettlementStatus

ZERO = Decimal("0.00")


def aid_without(settlement: Settlement, refused_cost: Decimal, reason: str) -> tuple[Decimal, dict]:
    """The settlement's aid with `refused_cost` taken off its compliant cost, and the calculation."""
    extra = [item["code"] for item in settlement.policy.extra_categories] if settlement.policy else []
    day = timezone.localtime(settlement.settled_at).date()
    request = parse_request(settlement.calculation_input, today=day, extra_categories=extra)
    before = settlement.calculation
    # The history as the window saw it: what was granted before, and the deductible then left.
    deductible = Decimal((before.get("policy") or {}).get("deductible") or "0")
    history = History(
        remaining_before=max(ZERO, deductible - Decimal(before.get("deductible_left") or "0")),
        granted_before=Decimal(before.get("granted_before") or "0"),
    )
    gates = StayGates(cost_exclusions={0: [(refused_cost, reason)]})
    result = calculate(request, policy_terms(settlement.policy), history, gates)
    return (result.amount if result.eligible else ZERO), result.as_json()


def settlement_part_refuse(settlement: Settlement, *, code: str, amount: Decimal, reason: str, user, now) -> Decimal:
    """Take `amount` off the compliant cost, recompute the aid and keep both; returns the aid refused.
    Runs inside the review's transaction, on a locked settlement."""
    new_aid, calculation = aid_without(settlement, amount, reason)
    refused_aid = max(ZERO, settlement.amount - new_aid)
    settlement.part_refused_cost = amount
    settlement.part_refused_aid = refused_aid
    settlement.amount = settlement.amount - refused_aid
    settlement.remaining_total = Decimal(calculation["remaining"])
    settlement.refusal_code = code
    settlement.end_reason = reason
    settlement.ended_at, settlement.ended_by = now, user
    settlement.status = SettlementStatus.APPROVED
    settlement.save(
        update_fields=[
            "part_refused_cost",
            "part_refused_aid",
            "amount",
            "remaining_total",
            "refusal_code",
            "end_reason",
            "ended_at",
            "ended_by",
            "status",
        ]
    )
    ledger_settlement_change(settlement.number, aid=settlement.amount, eligible_cost=settlement.eligible_cost - amount)
    return refused_aid


def part_line(settlement: Settlement) -> str:
    """The refusal as the statement shows it: cost refused -> aid refused."""
    return f"{money_text(settlement.part_refused_cost)} -> {money_text(settlement.part_refused_aid)}"
