"""Reading payment lines is a recorded act: a batch, what is payable and the month's report list each
payee by full name. Each read waits in the audit's PendingRead and is sealed into the chain shortly."""

from __future__ import annotations

from aidflow.audit.services import audit_list_read
from aidflow.payments.models import PaymentBatch
from aidflow.payments.selectors import batch_get


def batch_view(*, user, pk) -> PaymentBatch:
    """One batch with its lines, for its page or the API; who looked is recorded."""
    batch = batch_get(user, pk)
    batch_listed(user=user, batch=batch, refs=batch.lines.order_by("seq").values_list("ref", flat=True))
    return batch


def batch_listed(*, user, batch: PaymentBatch, refs) -> None:
    """A batch's lines (payees' names) were shown."""
    audit_list_read(actor=user, list_name="payment_batch", shown=refs, details={"batch": batch.number})


def payable_listed(*, user, county: str, lines: list[dict]) -> None:
    """What a batch made now would pay (payees' names) was shown."""
    audit_list_read(actor=user, list_name="payable", shown=[line["ref"] for line in lines], details={"region": county})


def payments_listed(*, user, month: str, lines) -> None:
    """The month's paid and failed lines (payees' names) were shown."""
    audit_list_read(
        actor=user, list_name="payment_report", shown=[line.ref for line in lines], details={"month": month}
    )
