"""Two signatures on money (INTERFACES section 15): a batch prepared by one finance officer is
approved by another person holding payments.approve_batch before its bank file is exported or its
results recorded; the preparer never approves (403 on the API, refused on the screen); the setting
PAYMENT_SECOND_SIGNATURE=False keeps one signature; two approvals never race."""

import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import connection

from aidflow.audit.models import AuditEvent
from aidflow.core.errors import Conflict
from aidflow.payments.models import PaymentBatch, PaymentLine
from aidflow.payments.services.approval import batch_approve
from aidflow.payments.services.batching import batch_create
from aidflow.payments.services.exports import bank_file
from tests.concurrency import run_in_threads
from tests.factories import make_staff, today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db


def post(user, path, body=None):
    return client_for(user).post(path, body or {}, content_type="application/json")


def said(response, english: str, chinese: str) -> bool:
    """The page says it, in the language the user's session asked for."""
    return english in response.content.decode() or chinese in response.content.decode()


def prepared(finance) -> dict:
    response = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert response.status_code == 201, response.content
    return response.json()


def test_the_preparer_never_approves_and_nothing_goes_to_the_bank_before_another_signs(
    policy, clerk, reviewer, approver, finance, second_finance
):
    application = approved(clerk, order="501")
    batch = prepared(finance)
    assert (batch["status"], batch["prepared_by"], batch["approved_by"]) == ("prepared", "finance", None)
    base = f"/api/v1/payment-batches/{batch['id']}"
    own = post(finance, f"{base}/approve/")
    assert own.status_code == 403 and own.json()["detail"]
    # Nothing goes to the bank before the second signature: no file, no results.
    export = client_for(finance).get(f"{base}/export.xlsx")
    assert export.status_code == 409 and "status" in export.json()["errors"]
    line = batch["lines"][0]["id"]
    early = post(finance, f"{base}/results/", {"results": [{"line": line, "status": "paid", "paid_on": str(today())}]})
    assert early.status_code == 409 and PaymentLine.objects.get(pk=line).status == "pending"
    assert not AuditEvent.objects.filter(action__in=["payment_batch_approved", "payment_exported"]).exists()
    # The county's other finance officer signs; then the file is exported and the results recorded.
    signed = post(second_finance, f"{base}/approve/")
    assert signed.status_code == 200, signed.content
    assert (signed.json()["status"], signed.json()["approved_by"]) == ("approved", "finance_b")
    event = AuditEvent.objects.get(action="payment_batch_approved")
    assert (event.actor, event.region, event.details["prepared_by"]) == (second_finance, "371403", "finance")
    assert post(second_finance, f"{base}/approve/").status_code == 409  # once
    assert client_for(finance).get(f"{base}/export.xlsx").status_code == 200
    paid = post(finance, f"{base}/results/", {"results": [{"line": line, "status": "paid", "paid_on": str(today())}]})
    assert paid.status_code == 200 and paid.json()["status"] == "closed"
    assert client_for(finance).get(f"/api/v1/applications/{application.pk}/").json()["payment"]["status"] == "paid"


def test_the_screen_refuses_the_preparer_and_shows_the_approve_button_to_another(
    policy, clerk, reviewer, approver, finance, second_finance
):
    approved(clerk, order="511")
    post_confirmed(client_for(finance), "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    page = f"/workbench/payments/batches/{batch.pk}/"
    own_page = client_for(finance).get(page).content.decode()
    assert 'id="batch-approve"' not in own_page and 'data-testid="approval-waiting"' in own_page
    assert "export.xlsx" not in own_page and 'id="results-form"' not in own_page
    refused = client_for(finance).post(f"{page}approve/")
    assert refused.status_code == 403 and said(refused, "You prepared this batch", "该批次由您制作")
    export = client_for(finance).get(f"{page}export.xlsx", follow=True)
    assert said(export, "awaits its second signature", "尚待复核")
    batch.refresh_from_db()
    assert batch.status == "prepared" and batch.approved_by is None
    other_page = client_for(second_finance).get(page).content.decode()
    assert 'id="batch-approve"' in other_page
    signed = client_for(second_finance).post(f"{page}approve/", follow=True)
    assert said(signed, "approved: the bank file may be exported", "已审核通过，可以导出")
    batch.refresh_from_db()
    assert (batch.status, batch.approved_by) == ("approved", second_finance)
    after = client_for(finance).get(page).content.decode()
    assert 'data-testid="batch-approved"' in after and "export.xlsx" in after and 'id="results-form"' in after


def test_a_county_approver_signs_only_once_granted_the_permission(
    policy, clerk, reviewer, approver, finance, second_finance
):
    approved(clerk, order="521")
    batch = prepared(finance)
    path = f"/api/v1/payment-batches/{batch['id']}/approve/"
    assert post(approver, path).status_code == 404  # not a reader of batches without the permission
    with pytest.raises(CommandError):
        call_command("grant_batch_approval", username="finance_b", stdout=io.StringIO())  # holds it by role
    call_command("grant_batch_approval", username="approver", stdout=io.StringIO())
    assert AuditEvent.objects.filter(action="batch_approval_granted", region="371403").count() == 1
    approver = type(approver).objects.get(pk=approver.pk)  # permissions are cached per user object
    assert client_for(approver).get(f"/api/v1/payment-batches/{batch['id']}/").status_code == 200
    assert post(approver, path).status_code == 200
    call_command("grant_batch_approval", username="approver", revoke=True, stdout=io.StringIO())
    approver = type(approver).objects.get(pk=approver.pk)
    assert client_for(approver).get(f"/api/v1/payment-batches/{batch['id']}/").status_code == 404
    # Another county's approver, even granted it, never signs this county's batch.
    other = make_staff("approver_py", "county_approver", "371426", "孙伟")
    other.user_permissions.add(Permission.objects.get(codename="approve_batch"))
    assert post(other, path).status_code == 404


def test_with_one_signature_a_batch_is_open_and_exported_at_once(
    settings, policy, clerk, reviewer, approver, finance, second_finance
):
    settings.PAYMENT_SECOND_SIGNATURE = False
    approved(clerk, order="531")
    batch = prepared(finance)
    assert batch["status"] == "open"
    base = f"/api/v1/payment-batches/{batch['id']}"
    assert client_for(finance).get(f"{base}/export.xlsx").status_code == 200
    assert post(second_finance, f"{base}/approve/").status_code == 409  # nothing to approve
    assert not AuditEvent.objects.filter(action="payment_batch_approved").exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_sign_once_and_an_export_never_precedes_the_signature(
    policy, clerk, reviewer, approver, finance, second_finance
):
    third = make_staff("finance_c", "county_finance", "371403", "韩梅")
    for order in ("541", "542"):
        approved(clerk, order=order)
    batch = batch_create(user=finance, data={"county": "371403"})
    results = run_in_threads(
        [lambda: batch_approve(user=second_finance, batch=batch), lambda: batch_approve(user=third, batch=batch)]
    )
    assert sorted(type(result).__name__ for result in results) == ["Conflict", "PaymentBatch"]
    assert AuditEvent.objects.filter(action="payment_batch_approved").count() == 1
    signer = PaymentBatch.objects.get(pk=batch.pk).approved_by
    assert signer in (second_finance, third)
    # An approval and an export at the same moment: the export either waits for the signature or
    # is refused; it is never written from a batch that was not yet approved.
    approved(clerk, order="543")
    second = batch_create(user=finance, data={"county": "371403"})
    signed, exported = run_in_threads(
        [lambda: batch_approve(user=second_finance, batch=second), lambda: bank_file(user=finance, batch=second)]
    )
    assert isinstance(signed, PaymentBatch) and signed.status == "approved"
    assert isinstance(exported, (bytes, Conflict))
    events = AuditEvent.objects.filter(details__contains={"number": second.number}, action="payment_batch_approved")
    exports = AuditEvent.objects.filter(action="payment_exported", details__contains={"batch": second.number})
    assert exports.count() == (1 if isinstance(exported, bytes) else 0)
    if isinstance(exported, bytes):
        assert exports.get().pk > events.get().pk
    assert connection.vendor == "postgresql"
