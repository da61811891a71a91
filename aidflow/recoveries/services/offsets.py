"""A hospital's recovery offset against its next claim: when a payment batch takes an approved claim
of the hospital, what the hospital still owes the county (oldest recovery first) is taken off the
claim's payment and recorded as an offset on the recovery, naming the claim. An offset stays with the
claim: if the bank fails the line, the next batch pays the claim less the same offsets."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.fields import money_text
from aidflow.recoveries.models import DebtorKind, EntryKind, Recovery, RecoveryEntry, RecoveryStatus
from aidflow.recoveries.services.entries import recovery_apply

ZERO = Decimal("0.00")


@dataclass
class ClaimOffset:
    """What a claim's payment loses: `earlier` offsets already recorded on it, `taken` new ones."""

    earlier: Decimal = ZERO
    taken: list[tuple[Recovery, Decimal]] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.earlier + sum((amount for _recovery, amount in self.taken), ZERO)


def claim_offsets(claims: list, *, lock: bool) -> dict[int, ClaimOffset]:
    """The offsets of each claim (rows with pk, hospital_id, county, approved_amount), in the given
    order; with `lock`, the hospitals' open recoveries are locked for the caller's transaction."""
    if not claims:
        return {}
    earlier = dict(
        RecoveryEntry.objects.filter(kind=EntryKind.OFFSET, claim_id__in=[claim.pk for claim in claims])
        .values_list("claim_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    recoveries = Recovery.objects.filter(
        debtor_kind=DebtorKind.HOSPITAL,
        status=RecoveryStatus.OPEN,
        hospital_id__in={claim.hospital_id for claim in claims},
        county__in={claim.county for claim in claims},
    ).order_by("created_at", "pk")
    if lock:
        recoveries = recoveries.select_for_update()
    owed: dict[tuple, list[list]] = {}
    for recovery in recoveries:
        owed.setdefault((recovery.hospital_id, recovery.county), []).append([recovery, recovery.outstanding])
    plans = {}
    for claim in claims:
        plan = ClaimOffset(earlier=earlier.get(claim.pk) or ZERO)
        room = (claim.approved_amount or ZERO) - plan.earlier
        for item in owed.get((claim.hospital_id, claim.county), []):
            if room <= 0:
                break
            take = min(room, item[1])
            if take > 0:
                plan.taken.append((item[0], take))
                item[1] -= take
                room -= take
        plans[claim.pk] = plan
    return plans


def offsets_record(*, user, plans: dict[int, ClaimOffset], claim_numbers: dict[int, str]) -> None:
    """Write the new offsets of the claims a batch took: an entry each, the recoveries' sums, the audit."""
    today = timezone.localdate()
    for claim_pk, plan in plans.items():
        for recovery, amount in plan.taken:
            RecoveryEntry.objects.create(
                recovery=recovery,
                kind=EntryKind.OFFSET,
                amount=amount,
                day=today,
                claim_id=claim_pk,
                note=claim_numbers.get(claim_pk, ""),
                recorded_by=user,
                recorded_at=timezone.now(),
            )
            recovery_apply(recovery, EntryKind.OFFSET, amount, today)
            audit_record(
                actor=user,
                action=AuditAction.RECOVERY_OFFSET,
                region=recovery.county,
                details={
                    "recovery": recovery.number,
                    "claim": claim_numbers.get(claim_pk, ""),
                    "amount": money_text(amount),
                },
            )
