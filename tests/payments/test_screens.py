"""The finance screens: payable with totals, the batch page with the bank file and the results
upload (checked row by row, nothing written on a bad file), the month's report; the payee form and
the payment filter of the application list."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from aidflow.audit.models import AuditEvent
from aidflow.payments.models import PaymentBatch, PaymentLine
from tests.factories import excluded, today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db


def csv_file(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return SimpleUploadedFile("results.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("results.xlsx", buffer.getvalue())


@pytest.fixture
def batch(policy, clerk, reviewer, approver, finance, second_finance):
    approved(clerk, order="201")
    approved(clerk, order="202", excluded_costs=excluded("2000.00"))  # 600.00
    approved(clerk, order="203", with_payee=False)
    web = client_for(finance)
    assert "1600.00" in web.get("/workbench/payments/").content.decode()
    response = post_confirmed(web, "/workbench/payments/", {})
    made = PaymentBatch.objects.get()
    assert response["Location"].endswith(f"/payments/batches/{made.pk}/")
    if made.status == "prepared":  # not with one signature (test_confirmations.py)
        # The second signature, on the batch page, by the county's other finance officer.
        assert client_for(second_finance).post(f"/workbench/payments/batches/{made.pk}/approve/").status_code == 302
        made.refresh_from_db()
        assert made.status == "approved"
    return made


def test_the_payable_screen_totals_and_masks(policy, clerk, reviewer, approver, finance):
    first = approved(clerk, order="211")
    skipped = approved(clerk, order="212", with_payee=False)
    page = client_for(finance).get("/workbench/payments/").content.decode()
    assert first.number in page and "1000.00" in page and "6228480000000000123" not in page
    assert skipped.number in page  # left out, with the reason
    assert client_for(approver).get("/workbench/payments/").status_code == 403


def test_a_bad_results_file_writes_nothing_and_names_the_row(batch, finance):
    web = client_for(finance)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    day = today().isoformat()
    bad = csv_file([["序号", "状态", "日期", "原因"], [1, "成功", day, ""], [7, "成功", day, ""], [2, "也许", "", ""]])
    response = web.post(f"/workbench/payments/batches/{batch.pk}/", {"file": bad}, follow=True)
    text = response.content.decode()
    assert "Row 3" in text and "Row 4" in text
    assert not PaymentLine.objects.exclude(status="pending").exists()
    no_day = csv_file([["序号", "状态", "日期", "原因"], [1, "成功", "", ""]])
    assert (
        "Row 2" in web.post(f"/workbench/payments/batches/{batch.pk}/", {"file": no_day}, follow=True).content.decode()
    )
    assert not PaymentLine.objects.exclude(status="pending").exists()
    for odd in ("1.0.0", "1.05"):
        odd_file = csv_file([["序号", "状态", "日期", "原因"], [odd, "成功", day, ""]])
        answer = web.post(f"/workbench/payments/batches/{batch.pk}/", {"file": odd_file}, follow=True)
        assert "Row 2" in answer.content.decode()
    assert not PaymentLine.objects.exclude(status="pending").exists()
    header = csv_file([["line", "status"], [1, "paid"]])
    assert (
        "序号" in web.post(f"/workbench/payments/batches/{batch.pk}/", {"file": header}, follow=True).content.decode()
    )


def test_an_xlsx_results_file_pays_and_fails_lines_and_closes_the_batch(batch, finance, clerk):
    web = client_for(finance)
    good = xlsx_file([["序号", "状态", "日期", "原因"], [1, "成功", today(), None], [2, "失败", None, "账户已销户"]])
    post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": good})
    batch.refresh_from_db()
    assert batch.status == "closed"
    statuses = dict(PaymentLine.objects.values_list("seq", "status"))
    assert statuses == {1: "paid", 2: "failed"}
    assert AuditEvent.objects.get(action="payment_results_recorded").details["source"] == "file"
    page = web.get(f"/workbench/payments/batches/{batch.pk}/").content.decode()
    assert "账户已销户" in page and 'name="file"' not in page  # closed: no upload form
    # The lists filter by payment; the report counts the month.
    listed = client_for(clerk).get("/workbench/applications/", {"payment": "failed"}).content.decode()
    failed_line = PaymentLine.objects.get(seq=2)
    assert failed_line.ref in listed and PaymentLine.objects.get(seq=1).ref not in listed
    report = web.get("/workbench/payments/report/", {"month": today().strftime("%Y-%m")}).content.decode()
    assert "1000.00" in report and "账户已销户" in report
    export = web.get(f"/workbench/payments/batches/{batch.pk}/export.xlsx")
    assert export.status_code == 200 and export.content.startswith(b"PK")


def test_the_payee_form_on_the_case_page(policy, clerk, reviewer, approver, finance, auditor):
    application = approved(clerk, order="221", with_payee=False)
    page = client_for(clerk).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert 'id="payee"' in page
    client_for(clerk).post(
        f"/workbench/applications/{application.pk}/payee/",
        {"name": "王秀英", "bank": "德州农商银行", "account": "6228 4800 0000 0000 555"},
    )
    application.refresh_from_db()
    assert application.payee_account == "6228480000000000555"
    page = client_for(finance).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert "***0555" in page and "6228480000000000555" not in page
    assert (
        client_for(auditor)
        .post(f"/workbench/applications/{application.pk}/payee/", {"name": "x", "bank": "y", "account": "1234567890"})
        .status_code
        == 403
    )


def test_an_auditor_can_change_no_payment(batch, auditor):
    reader = client_for(auditor)
    assert reader.get(f"/workbench/payments/batches/{batch.pk}/").status_code == 200
    before = AuditEvent.objects.count()
    assert reader.post("/workbench/payments/").status_code == 403
    upload = csv_file([["序号", "状态", "日期", "原因"], [1, "成功", today().isoformat(), ""]])
    assert reader.post(f"/workbench/payments/batches/{batch.pk}/", {"file": upload}).status_code == 403
    assert AuditEvent.objects.count() == before
    # Reading the bank file is an auditor's right (INTERFACES section 9); it is recorded.
    assert reader.get(f"/workbench/payments/batches/{batch.pk}/export.xlsx").status_code == 200
    assert AuditEvent.objects.filter(action="payment_exported", actor=auditor).count() == 1
    assert not PaymentLine.objects.exclude(status="pending").exists()
