"""Payment batches (INTERFACES section 9): what a batch gathers, the bank file, the results, and
nothing paid twice; who may pay and who may not."""

import io

import pytest
from django.db import connection
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application
from aidflow.payments.models import PaymentBatch, PaymentLine
from aidflow.payments.services.batching import batch_create
from tests.concurrency import run_in_threads
from tests.factories import ApplicationFactory, FilingFactory, excluded, person, today
from tests.payments.conftest import ACCOUNT, approved, payee
from tests.workflows.helpers import client_for, current_task

pytestmark = pytest.mark.django_db


def post(user, path, body):
    return client_for(user).post(path, body, content_type="application/json")


def make_batch(user, county="371403"):
    return post(user, "/api/v1/payment-batches/", {"county": county})


def approve(user, batch: dict) -> dict:
    """The second signature on a batch another finance officer prepared."""
    response = post(user, f"/api/v1/payment-batches/{batch['id']}/approve/", {})
    assert response.status_code == 200, response.content
    return response.json()


def test_a_batch_gathers_approved_unpaid_items_and_skips_those_without_an_account(
    policy, clerk, reviewer, approver, finance, approved_claim
):
    paid_to = approved(clerk, order="101")
    no_account = approved(clerk, order="102", with_payee=False)
    ApplicationFactory(user=clerk, data={**FilingFactory(person=person("103")), "payee": payee()})  # in progress
    response = make_batch(finance)
    assert response.status_code == 201, response.content
    batch = response.json()
    assert (batch["status"], batch["count"], batch["total"]) == ("prepared", 2, "6950.00")
    assert [(line["kind"], line["ref"], line["amount"]) for line in batch["lines"]] == [
        ("application", paid_to.number, "1000.00"),
        ("claim", approved_claim["number"], "5950.00"),
    ]
    assert batch["lines"][0]["account"].endswith("0123") and ACCOUNT not in str(batch)
    assert [item["ref"] for item in batch["skipped"]] == [no_account.number]
    claim = client_for(approver).get(f"/api/v1/settlement-claims/{approved_claim['id']}/").json()
    assert claim["payment"] == {"status": "in_batch", "batch": batch["number"], "paid_on": None}
    detail = client_for(finance).get(f"/api/v1/applications/{paid_to.pk}/").json()
    assert detail["payment"] == {"status": "in_batch", "batch": batch["number"], "paid_on": None}
    assert detail["payee"]["account"].endswith("0123") and ACCOUNT not in str(detail)
    # Nothing is left to pay: 409, also when only skipped items remain.
    again = make_batch(finance)
    assert again.status_code == 409 and no_account.number in str(again.json())
    assert AuditEvent.objects.filter(action="payment_batch_created").count() == 1


def test_the_bank_file_has_every_line_with_the_full_account_and_a_total(
    policy, clerk, reviewer, approver, finance, second_finance
):
    first, second = approved(clerk, order="111"), approved(clerk, order="112", excluded_costs=excluded("1000.00"))
    batch = approve(second_finance, make_batch(finance).json())
    response = client_for(finance).get(f"/api/v1/payment-batches/{batch['id']}/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1] == ["序号", "收款人", "开户行", "账号", "金额", "用途"]
    assert rows[2] == [1, "王秀英", "德州农商银行", ACCOUNT, 1000, first.number]
    assert rows[3] == [2, "王秀英", "德州农商银行", ACCOUNT, 800, second.number]
    assert rows[4][0] == "合计" and rows[4][4] == 1800
    assert sheet.cell(row=3, column=5).number_format == "#,##0.00"
    assert AuditEvent.objects.filter(action="payment_exported", region="371403").count() == 1
    assert client_for(approver).get(f"/api/v1/payment-batches/{batch['id']}/export.xlsx").status_code == 404


def test_results_pay_and_fail_lines_and_a_failed_line_is_payable_again(
    policy, clerk, reviewer, approver, finance, second_finance
):
    paid, failed = approved(clerk, order="121"), approved(clerk, order="122")
    batch = approve(second_finance, make_batch(finance).json())
    lines = {line["ref"]: line["id"] for line in batch["lines"]}
    path = f"/api/v1/payment-batches/{batch['id']}/results/"
    day = today().isoformat()
    unknown = post(
        finance,
        path,
        {
            "results": [
                {"line": lines[paid.number], "status": "paid", "paid_on": day},
                {"line": 999999, "status": "paid", "paid_on": day},
            ]
        },
    )
    assert unknown.status_code == 400 and "results[1].line" in unknown.json()["errors"]
    assert not PaymentLine.objects.exclude(status="pending").exists()  # nothing of it written
    no_reason = post(finance, path, {"results": [{"line": lines[failed.number], "status": "failed"}]})
    assert no_reason.status_code == 400 and "results[0].reason" in no_reason.json()["errors"]
    first = post(finance, path, {"results": [{"line": lines[paid.number], "status": "paid", "paid_on": day}]})
    assert first.status_code == 200 and first.json()["status"] == "approved"
    twice = post(
        finance,
        path,
        {
            "results": [
                {"line": lines[failed.number], "status": "failed", "reason": "户名不符"},
                {"line": lines[paid.number], "status": "paid", "paid_on": day},
            ]
        },
    )
    assert twice.status_code == 409
    assert PaymentLine.objects.get(pk=lines[failed.number]).status == "pending"  # all or nothing
    closed = post(
        finance, path, {"results": [{"line": lines[failed.number], "status": "failed", "reason": "户名不符"}]}
    )
    assert closed.json()["status"] == "closed"
    assert client_for(finance).get(f"/api/v1/applications/{paid.pk}/").json()["payment"] == {
        "status": "paid",
        "batch": batch["number"],
        "paid_on": day,
    }
    assert client_for(finance).get(f"/api/v1/applications/{failed.pk}/").json()["payment"]["status"] == "failed"
    # The failed one, with its payee corrected, goes into the next batch; the paid one never again.
    assert (
        client_for(clerk)
        .patch(
            f"/api/v1/applications/{failed.pk}/payee/", payee("6228480000000000999"), content_type="application/json"
        )
        .status_code
        == 200
    )
    following = make_batch(finance).json()
    assert [line["ref"] for line in following["lines"]] == [failed.number]
    assert following["lines"][0]["account"].endswith("0999")
    assert AuditEvent.objects.filter(action="payment_results_recorded").count() == 2


def test_the_payee_is_changed_by_the_clerk_or_finance_never_while_in_a_batch(
    policy, clerk, reviewer, approver, finance, auditor
):
    application = approved(clerk, order="131", with_payee=False)
    path = f"/api/v1/applications/{application.pk}/payee/"
    bad = client_for(clerk).patch(path, payee("12ab"), content_type="application/json")
    assert bad.status_code == 400 and "payee.account" in bad.json()["errors"]
    assert client_for(reviewer).patch(path, payee(), content_type="application/json").status_code == 403
    assert client_for(auditor).patch(path, payee(), content_type="application/json").status_code == 403
    assert client_for(finance).patch(path, payee(), content_type="application/json").status_code == 200
    make_batch(finance)
    locked = client_for(clerk).patch(path, payee("6228480000000000777"), content_type="application/json")
    assert locked.status_code == 409
    event = AuditEvent.objects.get(action="payee_changed")
    assert event.details["old"] is None and event.details["new"]["account"].endswith("0123")
    assert ACCOUNT not in str(event.details)


def test_filing_with_a_payee_and_a_bad_account(policy, clerk):
    response = post(clerk, "/api/v1/applications/", {**FilingFactory(), "payee": payee("123")})
    assert response.status_code == 400 and "payee.account" in response.json()["errors"]
    assert not Application.objects.exists()
    created = post(clerk, "/api/v1/applications/", {**FilingFactory(), "payee": payee()})
    assert created.status_code == 201 and created.json()["payment"] is None  # not approved yet


def test_duty_separation_and_scope(policy, clerk, reviewer, approver, finance, other_finance):
    application = approved(clerk, order="141")
    assert make_batch(approver).status_code == 403  # an approver never pays
    assert make_batch(other_finance).status_code == 404  # another county
    batch = make_batch(finance).json()
    assert client_for(other_finance).get(f"/api/v1/payment-batches/{batch['id']}/").status_code == 404
    assert client_for(other_finance).get(f"/api/v1/applications/{application.pk}/").status_code == 404
    # Finance never approves: it may not complete a county task.
    other = ApplicationFactory(user=clerk, data=FilingFactory(person=person("142")))
    from tests.factories import advance

    other = advance(other, to="county_approval")
    task = current_task(other)
    answer = post(finance, f"/api/v1/tasks/{task.pk}/complete/", {"decision": "approve", "reasons": ""})
    assert answer.status_code in (403, 404)
    assert Application.objects.get(pk=other.pk).status == "in_progress"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_batches_made_at_once_share_no_line(policy, clerk, reviewer, approver, finance):
    for order in ("151", "152", "153"):
        approved(clerk, order=order)
    results = [
        getattr(result, "number", result)
        for result in run_in_threads(
            [
                lambda: batch_create(user=finance, data={"county": "371403"}),
                lambda: batch_create(user=finance, data={"county": "371403"}),
            ]
        )
    ]
    numbers = [result for result in results if isinstance(result, str)]
    assert len(numbers) == 1 and len(results) == 2
    assert PaymentBatch.objects.count() == 1 and PaymentLine.objects.count() == 3
    assert connection.vendor == "postgresql"
