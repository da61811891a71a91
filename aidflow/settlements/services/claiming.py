"""Monthly claims (月度结算申请): a hospital claims the aid it advanced from the paying county, whose
approver approves it, approves it with some settlements refused, or rejects it (INTERFACES section 8)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.choices import NotificationKind
from aidflow.cases.services.ledger import ledger_settlement_remove
from aidflow.cases.services.staff_alerts import staff_notify
from aidflow.core.dates import month_value
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.fields import FieldReader, money_text
from aidflow.core.numbering import take_next
from aidflow.regions.codes import code_at, level_of, normalise_code
from aidflow.regions.models import Level, Region, Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.settlements.models import (
    ClaimStatus,
    RefusalCode,
    Settlement,
    SettlementClaim,
    SettlementCounter,
    SettlementStatus,
)
from aidflow.settlements.selectors import claimable
from aidflow.settlements.services.parts import aid_without, settlement_part_refuse
from aidflow.settlements.services.risk import claim_flags_set
from aidflow.settlements.services.window import clerk_hospital

ZERO = Decimal("0.00")


def month_parse(raw: object, path: str = "month") -> tuple[int, int]:
    """A YYYY-MM month, or InputErrors naming `path`."""
    parsed = month_value(raw)
    if parsed is None:
        raise InputErrors({path: [_("A month is written YYYY-MM, e.g. 2026-03.")]})
    return parsed


def month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def _paying_county(raw: object, hospital) -> str:
    if raw in (None, ""):
        return hospital.county_id
    try:
        code = normalise_code(str(raw))
    except ValidationError as error:
        raise InputErrors({"county": error.messages}) from None
    if level_of(code) != Level.COUNTY or not Region.objects.filter(code=code).exists():
        raise InputErrors({"county": [_("%(code)s is not a known county.") % {"code": code}]})
    if code_at(code, Level.CITY) != code_at(hospital.county_id, Level.CITY):
        raise InputErrors({"county": [_("The hospital settles only for counties of its own city.")]})
    return code


def claim_submit(*, user, data: object, today: datetime.date | None = None) -> SettlementClaim:
    """Collect every settled, unclaimed settlement of one paying county discharged in or before the
    month into one claim; Conflict when nothing is left to claim."""
    hospital = clerk_hospital(user)
    today = today or timezone.localdate()
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    year, month = month_parse(data.get("month"))
    if (year, month) > (today.year, today.month):
        raise InputErrors({"month": [_("A month that has not begun cannot be claimed.")]})
    county = _paying_county(data.get("county"), hospital)
    with transaction.atomic():
        # Locked rows: a second claim made at the same moment finds them taken.
        # Rows, not model instances (each holds its calculation): a claim may hold tens of thousands.
        settlements = list(
            claimable(hospital=hospital, county=county, through=month_end(year, month))
            .select_for_update()
            .order_by("discharge_date", "pk")
            .values_list("pk", "number", "amount", named=True)
        )
        if not settlements:
            raise Conflict({"month": [_("Nothing is left to claim for this county up to that month.")]})
        prefix = f"QS-{hospital.code}"
        number = f"{prefix}-{today.year}-{take_next(SettlementCounter, prefix=prefix, year=today.year):04d}"
        claim = SettlementClaim.objects.create(
            number=number,
            hospital=hospital,
            county=county,
            month=f"{year:04d}-{month:02d}",
            count=len(settlements),
            amount=sum((settlement.amount for settlement in settlements), ZERO),
            submitted_by=user,
            submitted_at=timezone.now(),
        )
        Settlement.objects.filter(pk__in=[settlement.pk for settlement in settlements]).update(
            claim=claim, status=SettlementStatus.CLAIMED
        )
        claim_flags_set(claim)
        audit_record(
            actor=user,
            action=AuditAction.CLAIM_SUBMITTED,
            region=county,
            details={
                "number": number,
                "hospital": hospital.code,
                "month": claim.month,
                "count": claim.count,
                "amount": money_text(claim.amount),
                "settlements": [settlement.number for settlement in settlements],
                "flagged": claim.flagged_count,
                "sampled": claim.sampled_count,
            },
        )
        staff_notify(
            role=Role.COUNTY_APPROVER,
            region=county,
            kind=NotificationKind.CLAIM_TO_REVIEW,
            text=lambda: (
                _("%(hospital)s claims %(amount)s yuan for %(count)d settlements of %(month)s: %(number)s.")
                % {
                    "hospital": hospital.name,
                    "amount": money_text(claim.amount),
                    "count": claim.count,
                    "month": claim.month,
                    "number": number,
                }
            ),
            link=reverse("workbench:claim", args=[claim.pk]),
        )
    return claim


def _reviewer_check(user, claim: SettlementClaim) -> None:
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the paying county's approver reviews a settlement claim."))
    if not in_scope(user, claim.county, ["regions.approve_county"]):
        raise NotFound(_("Claim not found."))


def refusals_read(
    raw: object, reader: FieldReader, claim_ids: set[int], parts: dict[int, Decimal] | None = None
) -> dict[int, tuple[str, str]]:
    """`rejected_settlements`: ids (meaning non_compliant) or {"id", "code", "reason", "amount"}
    items (INTERFACES sections 11 and 15) -> {settlement id: (code, reason)}; an item's `amount`
    (part of the compliant cost refused) goes into `parts`."""
    refusals: dict[int, tuple[str, str]] = {}
    if raw in (None, ""):
        return refusals
    if not isinstance(raw, list):
        reader.error("rejected_settlements", _("Must be a list of settlement ids or {id, code, reason} objects."))
        return refusals
    for position, item in enumerate(raw):
        path = f"rejected_settlements[{position}]"
        if isinstance(item, int) and not isinstance(item, bool):
            refusals[item] = (RefusalCode.NON_COMPLIANT, "")
        elif isinstance(item, dict):
            pk = item.get("id")
            if not isinstance(pk, int) or isinstance(pk, bool):
                reader.error(f"{path}.id", _("A settlement id is a whole number."))
                continue
            code = reader.choice(item, "code", f"{path}.code", RefusalCode.values, required=False)
            reason = reader.text(item, "reason", f"{path}.reason", required=False, max_length=2000) or ""
            refusals[pk] = (code or RefusalCode.NON_COMPLIANT, reason)
            amount = reader.money(item, "amount", f"{path}.amount", required=False, positive=True)
            if amount is not None and parts is not None:
                if code == RefusalCode.CORRECTION_NEEDED:
                    reader.error(f"{path}.amount", _("A part is refused as non-compliant, never sent back."))
                parts[pk] = amount
        else:
            reader.error(path, _("A settlement id, or an object {id, code, reason}."))
    unknown = set(refusals) - claim_ids
    if unknown:
        reader.error(
            "rejected_settlements",
            _("Not settlements of this claim: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
        )
    return refusals


def _refuse(settlement: Settlement, *, code: str, reason: str, user, now) -> None:
    """A refused settlement stops counting in the history, but its stay stays claimed: the fund never
    pays a non-compliant stay (seed 002 line ~1838, 不予结算), and a stay sent back for correction
    may be settled again only by the same hospital."""
    stay_claim = settlement.stay_claim
    settlement.status = SettlementStatus.REFUSED
    settlement.ended_at, settlement.ended_by, settlement.end_reason = now, user, reason
    settlement.refusal_code = code
    settlement.stay_claim = None
    settlement.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "refusal_code", "stay_claim"])
    if stay_claim is not None:
        stay_claim.refused = code
        stay_claim.reference = settlement.number
        stay_claim.save(update_fields=["refused", "reference"])


def reviewed_read(raw: object, reader: FieldReader, claim_ids: set[int]) -> set[int]:
    """`reviewed_settlements`: the ids of the settlements the approver looked at (optional)."""
    if raw in (None, ""):
        return set()
    if not isinstance(raw, list) or any(not isinstance(pk, int) or isinstance(pk, bool) for pk in raw):
        reader.error("reviewed_settlements", _("Must be a list of settlement ids."))
        return set()
    unknown = set(raw) - claim_ids
    if unknown:
        reader.error(
            "reviewed_settlements",
            _("Not settlements of this claim: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in sorted(unknown))},
        )
    return set(raw) & claim_ids


def _review_read(claim: SettlementClaim, data: object) -> tuple[str, str, dict[int, tuple[str, str]]]:
    """The review's decision, reasons and refusals ({settlement id: (code, reason)}), every bad
    field named."""
    decision, reasons, refusals, _reviewed, _parts = _review_read_all(claim, data)
    return decision, reasons, refusals


def _review_read_all(claim: SettlementClaim, data: object):
    """_review_read, and the settlements looked at (refused ones count)."""
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    reader = FieldReader()
    decision = reader.choice(data, "decision", "decision", ["approve", "reject"])
    reasons = reader.text(data, "reasons", "reasons", required=False, max_length=2000) or ""
    claim_ids = set(claim.settlements.values_list("pk", flat=True))
    parts: dict[int, Decimal] = {}
    refusals = refusals_read(data.get("rejected_settlements"), reader, claim_ids, parts)
    reviewed = reviewed_read(data.get("reviewed_settlements"), reader, claim_ids)
    # A part as large as the whole compliant cost refuses the whole settlement.
    eligible = dict(claim.settlements.filter(pk__in=parts).values_list("pk", "eligible_cost"))
    parts = {pk: amount for pk, amount in parts.items() if pk in eligible and amount < eligible[pk]}
    # Every refusal says why: by its own reason, or by the review's reasons, which stand for all.
    unexplained = any(not reason for _code, reason in refusals.values())
    if (decision == "reject" or unexplained) and not reasons:
        reader.error("reasons", _("Say why settlements are refused."))
    reader.raise_if_any()
    return decision, reasons, refusals, reviewed | set(refusals), ({} if decision == "reject" else parts)


def claim_review_check(*, user, claim: SettlementClaim, data: object) -> dict:
    """What the review would decide, checked as claim_review checks it, with nothing written: the
    settlements and amounts approved and refused, for a screen to have the review confirmed."""
    _reviewer_check(user, claim)
    decision, reasons, refusals, _reviewed, parts = _review_read_all(claim, data)
    if claim.status != ClaimStatus.SUBMITTED:
        raise Conflict({"status": [_("This claim was already reviewed.")]})
    # Amounts only: a claim may hold tens of thousands of settlements.
    amounts = dict(claim.settlements.order_by("discharge_date", "pk").values_list("pk", "amount"))
    if decision == "reject":
        refusals = {pk: refusals.get(pk, (RefusalCode.CORRECTION_NEEDED, "")) for pk in amounts}
    # A part refused lowers the settlement's aid; the settlement itself is paid.
    for settlement in claim.settlements.filter(pk__in=parts).select_related("policy"):
        amounts[settlement.pk] = aid_without(settlement, parts[settlement.pk], "")[0]
        refusals.pop(settlement.pk, None)
    refused = set(refusals)
    return {
        "decision": decision,
        "approved": len(amounts) - len(refused),
        "approved_amount": sum((amount for pk, amount in amounts.items() if pk not in refused), ZERO),
        "refused": len(refused),
        "refused_amount": sum((amounts[pk] for pk in refused), ZERO),
        # Each refusal as it will be recorded: its code, and its reason (the review's when it has none).
        "refusals": [
            {
                "settlement": settlement,
                "code": refusals[settlement.pk][0],
                "reason": refusals[settlement.pk][1] or reasons,
            }
            for settlement in claim.settlements.filter(pk__in=refused).order_by("discharge_date", "pk")
        ],
    }


def claim_review(*, user, claim: SettlementClaim, data: object) -> SettlementClaim:
    """Approve the claim, approve it with some settlements refused, or reject it whole; refused
    settlements stop counting in the history and keep their stays claimed. A claim rejected whole
    goes back for correction, unless a settlement is listed as non-compliant."""
    _reviewer_check(user, claim)
    decision, reasons, refusals, reviewed, parts = _review_read_all(claim, data)
    with transaction.atomic():
        claim = SettlementClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.SUBMITTED:
            raise Conflict({"status": [_("This claim was already reviewed.")]})
        settlements = claim.settlements.select_for_update(of=("self",))
        if decision == "reject":
            refusals = {
                pk: refusals.get(pk, (RefusalCode.CORRECTION_NEEDED, ""))
                for pk in settlements.values_list("pk", flat=True)
            }
        now = timezone.now()
        # Parts refused: the settlement is paid, less the aid of the refused cost.
        part_refused = {}
        for settlement in settlements.filter(pk__in=parts).select_related("policy"):
            code, reason = refusals.pop(settlement.pk)
            aid = settlement_part_refuse(
                settlement, code=code, amount=parts[settlement.pk], reason=reason or reasons, user=user, now=now
            )
            part_refused[settlement.number] = {
                "code": code,
                "cost": money_text(parts[settlement.pk]),
                "aid": money_text(aid),
            }
        refused = list(settlements.filter(pk__in=refusals).select_related("stay_claim"))
        for settlement in refused:
            code, reason = refusals[settlement.pk]
            _refuse(settlement, code=code, reason=reason or reasons, user=user, now=now)
        ledger_settlement_remove(*(settlement.number for settlement in refused))
        settlements.exclude(pk__in=refusals).update(status=SettlementStatus.APPROVED)
        approved = claim.settlements.filter(status=SettlementStatus.APPROVED).aggregate(total=Sum("amount"))
        claim.status = ClaimStatus.REJECTED if decision == "reject" else ClaimStatus.APPROVED
        claim.approved_amount = approved["total"] or ZERO
        claim.reviewed_by, claim.reviewed_at, claim.reasons = user, now, reasons
        claim.reviewed_count = len(reviewed)
        claim.save(
            update_fields=["status", "approved_amount", "reviewed_by", "reviewed_at", "reasons", "reviewed_count"]
        )
        audit_record(
            actor=user,
            action=AuditAction.CLAIM_REVIEWED,
            region=claim.county,
            details={
                "number": claim.number,
                "decision": decision,
                "approved_amount": money_text(claim.approved_amount),
                "refused": sorted(settlement.number for settlement in refused),
                "refusals": {
                    settlement.number: refusals[settlement.pk][0]
                    for settlement in sorted(refused, key=lambda item: item.number)
                },
                # A refusal's own reason, where it has one (the others stand on `reasons`).
                "refusal_reasons": {
                    settlement.number: refusals[settlement.pk][1]
                    for settlement in sorted(refused, key=lambda item: item.number)
                    if refusals[settlement.pk][1]
                },
                "reasons": reasons,
                "parts_refused": part_refused,
                # The risk review: flagged and drawn at submission, looked at by the approver.
                "flagged": claim.flagged_count,
                "sampled": claim.sampled_count,
                "reviewed": claim.reviewed_count,
                "share_reviewed": f"{claim.reviewed_count / claim.count:.4f}" if claim.count else "0",
            },
        )
    return claim
