"""Where the county pays a designated hospital's approved claims: corrected by an administrator,
never while a claim of the hospital waits in a batch without its result. Every change keeps the
account it replaced (HospitalAccountChange) and is audited with both accounts masked."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors
from aidflow.core.payment import ACCOUNT, PaymentStatus, mask_account
from aidflow.payments.models import HospitalAccountChange
from aidflow.rolls.models import Hospital
from aidflow.settlements.models import SettlementClaim

CHANGE_PERMISSION = "rolls.change_hospital"


def hospital_account_read(*, bank: str | None, account: str | None) -> tuple[str, str]:
    """The bank and account as stored (spaces taken out of the account); InputErrors naming the field.
    Both empty means no account: the hospital's claims are then skipped by payment batches."""
    bank = (bank or "").strip()
    account = (account or "").replace(" ", "").strip()
    errors: dict[str, list[str]] = {}
    if account and not ACCOUNT.match(account):
        errors["account"] = [_("An account number has 10-30 digits.")]
    if len(bank) > 100:
        errors["bank"] = [_("A bank name has at most 100 characters.")]
    if account and not bank:
        errors.setdefault("bank", []).append(_("Name the bank of the account."))
    if bank and not account:
        errors.setdefault("account", []).append(_("Enter the account number at this bank."))
    if errors:
        raise InputErrors(errors)
    return bank, account


def waiting_batch(hospital: Hospital) -> str | None:
    """The number of an open batch a claim of the hospital waits in, if any."""
    claim = (
        SettlementClaim.objects.filter(hospital=hospital, payment_status=PaymentStatus.IN_BATCH)
        .order_by("number")
        .first()
    )
    return claim.payment_batch if claim is not None else None


def hospital_account_check(*, hospital: Hospital, bank: str | None, account: str | None) -> tuple[str, str]:
    """Everything `hospital_account_change` checks, without writing: the clean (bank, account)."""
    bank, account = hospital_account_read(bank=bank, account=account)
    batch = waiting_batch(hospital)
    if batch is not None and (bank, account) != (hospital.bank, hospital.account):
        raise Conflict(
            {
                "account": [
                    _(
                        "A claim of this hospital waits in payment batch %(batch)s: "
                        "record the bank's result for it first."
                    )
                    % {"batch": batch}
                ]
            }
        )
    return bank, account


def hospital_account_change(*, actor, hospital_id: int, bank: str | None, account: str | None) -> Hospital:
    """Record the hospital's new bank and account, keeping the old ones; nothing when unchanged."""
    if not actor.has_perm(CHANGE_PERMISSION):
        raise ActionForbidden(_("Only an administrator corrects a hospital's bank account."))
    with transaction.atomic():
        hospital = Hospital.objects.select_for_update().get(pk=hospital_id)
        bank, account = hospital_account_check(hospital=hospital, bank=bank, account=account)
        if (bank, account) == (hospital.bank, hospital.account):
            return hospital
        HospitalAccountChange.objects.create(
            hospital=hospital,
            changed_at=timezone.now(),
            changed_by=actor,
            old_bank=hospital.bank,
            old_account=hospital.account,
            new_bank=bank,
            new_account=account,
        )
        old = {"bank": hospital.bank, "account": mask_account(hospital.account)}
        hospital.bank, hospital.account = bank, account
        hospital.save(update_fields=["bank", "account"])
        audit_record(
            actor=actor,
            action=AuditAction.HOSPITAL_ACCOUNT_CHANGED,
            region=hospital.county_id,
            details={
                "hospital": hospital.code,
                "old": old,
                "new": {"bank": bank, "account": mask_account(account)},
            },
        )
    return hospital
