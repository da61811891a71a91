"""Demo payments for seed_demo: 陵城区 paid its approved cases and the hospital's approved claim in a
batch one finance officer prepared and the other approved, which the bank returned with 赵玉兰's line
failed; her account corrected, she waits in a second batch, prepared and awaiting the second
signature (the README's story, checked by tests/test_readme_demo.py)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from aidflow.cases.services.payees import payee_change
from aidflow.payments.models import BatchStatus, PaymentBatch
from aidflow.payments.services.approval import batch_approve
from aidflow.payments.services.batching import batch_create
from aidflow.payments.services.results import results_record

FAILED_REASON = "账户已冻结，请核实收款账户后重新发放"
# Whose line the bank returns failed: the applicant of an approved demo case (aidflow/cases/demo.py).
FAILED_APPLICANT = "赵玉兰"


def seed_demo_payments(stdout, *, finance: str, signer: str, county: str) -> None:
    """Pay once; a second run finds the batches and does nothing."""
    user = get_user_model().objects.get(username=finance)
    if PaymentBatch.objects.filter(county=county).exists():
        stdout.write("Demo payments: already there.")
        return
    first = batch_create(user=user, data={"county": county})
    if first.status == BatchStatus.PREPARED:
        first = batch_approve(user=get_user_model().objects.get(username=signer), batch=first)
    lines = list(first.lines.select_related("application").order_by("seq"))
    failed = next(line for line in lines if line.application_id and line.application.applicant_name == FAILED_APPLICANT)
    today = timezone.localdate().isoformat()
    results = [
        {"line": line.pk, "status": "failed", "reason": FAILED_REASON}
        if line.pk == failed.pk
        else {"line": line.pk, "status": "paid", "paid_on": today}
        for line in lines
    ]
    results_record(user=user, batch=first, data={"results": results}, source="seed_demo")
    payee_change(
        user=user,
        application_id=failed.application_id,
        data={
            "name": failed.payee,
            "bank": "中国邮政储蓄银行陵城支行（演示）",
            "account": "6221880000" + failed.ref[-5:],
        },
    )
    second = batch_create(user=user, data={"county": county})
    stdout.write(
        f"Demo payments: batch {first.number} closed ({len(lines)} lines, {failed.ref} failed); "
        f"batch {second.number} {second.status} ({second.count} line)."
    )
