"""What settles a recovery: repayments recorded by the county's finance officer (partial allowed, never
more than is owed), and write-offs the finance officer proposes and the county approver signs off -
never the person who proposed it. Each in a transaction with the recovery's row locked."""

from __future__ import annotations

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.fields import FieldReader, money_text
from aidflow.recoveries.models import EntryKind, EntryStatus, Recovery, RecoveryEntry, RecoveryStatus
from aidflow.recoveries.selectors import recovery_get
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of

ZERO = Decimal("0.00")
ENTRY_KINDS = [EntryKind.REPAYMENT, EntryKind.WRITE_OFF]


def _locked(user, pk) -> Recovery:
    recovery_get(user=user, pk=pk)  # 404 outside the user's county
    return Recovery.objects.select_for_update().get(pk=pk)


def recovery_apply(recovery: Recovery, kind: str, amount: Decimal, day) -> None:
    """Count an entry in the recovery's running sums; settled when nothing is owed any more."""
    field = {EntryKind.REPAYMENT: "repaid", EntryKind.OFFSET: "offset", EntryKind.WRITE_OFF: "written_off"}[kind]
    setattr(recovery, field, getattr(recovery, field) + amount)
    recovery.outstanding -= amount
    if recovery.outstanding == ZERO:
        recovery.status, recovery.settled_on = RecoveryStatus.SETTLED, day
    recovery.save(update_fields=[field, "outstanding", "status", "settled_on"])


def entry_record(*, user, data: object) -> RecoveryEntry:
    """`{"recovery", "kind": "repayment" | "write_off", "amount", "day", "note"}` by the county's
    finance officer: a repayment counts at once; a write-off waits for the approver's sign-off."""
    if role_of(user) != Role.COUNTY_FINANCE:
        raise ActionForbidden(_("Only the county's finance officer records repayments and proposes write-offs."))
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    reader = FieldReader()
    pk = reader.get(data, "recovery", "recovery")
    kind = reader.choice(data, "kind", "kind", ENTRY_KINDS)
    amount = reader.money(data, "amount", "amount", positive=True)
    day = reader.date(data, "day", "day", required=False) or timezone.localdate()
    note = reader.text(data, "note", "note", required=kind == EntryKind.WRITE_OFF, max_length=1000) or ""
    reader.raise_if_any()
    if day > timezone.localdate():
        raise InputErrors({"day": [_("The day cannot be in the future.")]})
    try:
        with transaction.atomic():
            try:
                recovery = _locked(user, int(pk))
            except (TypeError, ValueError):
                raise NotFound(_("No such recovery.")) from None
            if amount > recovery.outstanding:
                raise InputErrors(
                    {
                        "amount": [
                            _("At most %(owed)s is still owed.") % {"owed": money_text(recovery.outstanding)},
                        ]
                    }
                )
            proposed = kind == EntryKind.WRITE_OFF
            entry = RecoveryEntry.objects.create(
                recovery=recovery,
                kind=kind,
                status=EntryStatus.PROPOSED if proposed else EntryStatus.RECORDED,
                amount=amount,
                day=day,
                note=note,
                recorded_by=user,
                recorded_at=timezone.now(),
            )
            if not proposed:
                recovery_apply(recovery, kind, amount, day)
            audit_record(
                actor=user,
                action=AuditAction.WRITE_OFF_PROPOSED if proposed else AuditAction.RECOVERY_REPAID,
                region=recovery.revocation.region,
                details={"recovery": recovery.number, "amount": money_text(amount), "note": note},
            )
    except IntegrityError:
        raise Conflict({"kind": [_("A write-off of this recovery already waits for sign-off.")]}) from None
    return entry


def write_off_decide(*, user, pk, data: object) -> RecoveryEntry:
    """The county approver approves or refuses the proposed write-off of a recovery; nobody signs off
    a write-off they proposed. An approved write-off never takes more than is still owed."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the county approver signs off a write-off."))
    reader = FieldReader()
    decision = reader.choice(data if isinstance(data, dict) else {}, "decision", "decision", ["approve", "refuse"])
    reader.raise_if_any()
    with transaction.atomic():
        recovery = _locked(user, pk)
        entry = recovery.entries.select_for_update().filter(status=EntryStatus.PROPOSED).first()
        if entry is None:
            raise Conflict({"decision": [_("No write-off of this recovery waits for sign-off.")]})
        if entry.recorded_by_id == user.pk:
            raise ActionForbidden(_("Nobody signs off a write-off they proposed."))
        if decision == "approve" and entry.amount > recovery.outstanding:
            raise Conflict({"amount": [_("Less is owed now than the write-off proposes: propose it again.")]})
        entry.status = EntryStatus.RECORDED if decision == "approve" else EntryStatus.REFUSED
        entry.decided_by, entry.decided_at = user, timezone.now()
        entry.save(update_fields=["status", "decided_by", "decided_at"])
        if decision == "approve":
            recovery_apply(recovery, EntryKind.WRITE_OFF, entry.amount, timezone.localdate())
        audit_record(
            actor=user,
            action=AuditAction.WRITE_OFF_APPROVED if decision == "approve" else AuditAction.WRITE_OFF_REFUSED,
            region=recovery.revocation.region,
            details={"recovery": recovery.number, "amount": money_text(entry.amount)},
        )
    return entry
