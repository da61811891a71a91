"""Reads for the finance screens and the API: batches in scope and the month's payments."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum

from aidflow.core.errors import NotFound
from aidflow.payments.models import LineStatus, PaymentBatch, PaymentLine
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_q

READERS = (Role.COUNTY_FINANCE, Role.AUDITOR)


def batches_visible(user) -> QuerySet[PaymentBatch]:
    """The county's finance officer and the auditors in scope read batches; so does a county
    approver an administrator granted payments.approve_batch (the second signature)."""
    role = role_of(user)
    if role == Role.COUNTY_APPROVER and user.has_perm("payments.approve_batch"):
        return PaymentBatch.objects.filter(scope_q(user, "county", ["regions.approve_county"]))
    if role not in READERS:
        return PaymentBatch.objects.none()
    return PaymentBatch.objects.filter(scope_q(user, "county"))


def batch_get(user, pk) -> PaymentBatch:
    batch = batches_visible(user).filter(pk=pk).first()
    if batch is None:
        raise NotFound("No such payment batch.")
    return batch


def month_payments(user, *, year: int, month: int) -> dict:
    """Lines with a result recorded for a day in the month, summed in SQL by kind and status."""
    lines = PaymentLine.objects.filter(batch__in=batches_visible(user)).filter(
        Q(status=LineStatus.PAID, paid_on__year=year, paid_on__month=month)
        | Q(status=LineStatus.FAILED, result_at__year=year, result_at__month=month)
    )
    sums = list(lines.values("kind", "status").annotate(count=Count("pk"), total=Sum("amount")).order_by("kind"))
    return {"rows": sums, "lines": lines.select_related("batch").order_by("paid_on", "batch__number", "seq")}
