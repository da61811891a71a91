"""The second signature on money (INTERFACES section 15): a batch prepared by one finance officer is
approved by another person holding `payments.approve_batch` - every finance officer of the county,
or a county approver an administrator granted it to - and only then is its bank file exported and
its results recorded. Nobody approves a batch they prepared. The batch row is locked, so two
approvals, or an approval and an export, never act on the same batch at once."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict
from aidflow.core.fields import money_text
from aidflow.payments.models import BatchStatus, PaymentBatch
from aidflow.payments.services.batching import PAY_PERMISSION
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of

APPROVE_PERMISSION = "payments.approve_batch"
# Granted by an administrator to one of the county's approvers (the head of office).
GRANTED_ROLES = {Role.COUNTY_APPROVER: ["regions.approve_county"]}


def may_approve(user, county: str) -> bool:
    """Whether the user holds payments.approve_batch for the county: every county finance officer
    of it does; a county approver of it once an administrator granted the permission."""
    role = role_of(user)
    if role == Role.COUNTY_FINANCE:
        return in_scope(user, county, PAY_PERMISSION)
    if role in GRANTED_ROLES and user.has_perm(APPROVE_PERMISSION):
        return in_scope(user, county, GRANTED_ROLES[role])
    return False


def may_approve_batch(user, batch: PaymentBatch) -> bool:
    """Whether the batch waits for a signature this user may give (the screens' approve button)."""
    return batch.status == BatchStatus.PREPARED and batch.created_by_id != user.pk and may_approve(user, batch.county)


def approval_check(user, batch: PaymentBatch) -> None:
    """ActionForbidden (403) for someone without the permission or the batch's own preparer."""
    if not may_approve(user, batch.county):
        raise ActionForbidden(
            _("Only another finance officer of the county, or a person granted it, approves a batch.")
        )
    if batch.created_by_id == user.pk:
        raise ActionForbidden(_("You prepared this batch: another person must approve it."))


def sendable_check(batch: PaymentBatch) -> None:
    """Conflict (409) while the batch waits for its second signature: nothing goes to the bank yet."""
    if batch.status == BatchStatus.PREPARED:
        raise Conflict(
            {
                "status": [
                    _("Batch %(number)s awaits its second signature: another person must approve it first.")
                    % {"number": batch.number}
                ]
            }
        )


def batch_approve(*, user, batch: PaymentBatch) -> PaymentBatch:
    """Approve a prepared batch for the bank; 403 for its preparer or without the permission, 409
    when it is not waiting for approval (already approved, open without a second signature, closed)."""
    approval_check(user, batch)
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        approval_check(user, batch)
        if batch.status != BatchStatus.PREPARED:
            if batch.status == BatchStatus.APPROVED:
                message = _("Batch %(number)s was already approved.") % {"number": batch.number}
            else:
                message = _("Batch %(number)s does not wait for approval.") % {"number": batch.number}
            raise Conflict({"status": [message]})
        batch.status, batch.approved_by, batch.approved_at = BatchStatus.APPROVED, user, timezone.now()
        batch.save(update_fields=["status", "approved_by", "approved_at"])
        audit_record(
            actor=user,
            action=AuditAction.PAYMENT_BATCH_APPROVED,
            region=batch.county,
            details={
                "number": batch.number,
                "count": batch.count,
                "total": money_text(batch.total),
                "prepared_by": batch.created_by.username,
            },
        )
    return batch


def approval_grant(*, username: str, grant: bool, actor=None) -> None:
    """Grant payments.approve_batch to a county approver (the head of office), or take it back;
    audited. Finance officers hold it by their role; no other role may be granted it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    from aidflow.core.errors import InputErrors

    user = get_user_model().objects.filter(username=(username or "").strip()).select_related("staff").first()
    if user is None or role_of(user) not in GRANTED_ROLES:
        raise InputErrors({"username": [_("Only a county approver is granted the approval of payment batches.")]})
    permission = Permission.objects.get(codename="approve_batch", content_type__app_label="payments")
    with transaction.atomic():
        if grant:
            user.user_permissions.add(permission)
        else:
            user.user_permissions.remove(permission)
        audit_record(
            actor=actor,
            actor_name=None if actor is not None else "grant_batch_approval",
            action=AuditAction.BATCH_APPROVAL_GRANTED if grant else AuditAction.BATCH_APPROVAL_REVOKED,
            region=user.staff.region_id or "",
            details={"username": user.username},
        )
