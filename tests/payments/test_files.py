"""The bank's results as offices have them: a CSV saved by Chinese Excel (GBK) or with a BOM, an
XLSX, the pre-filled results form read back and uploaded again; errors that stay on the page and
name the row and the column in Chinese."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from aidflow.payments.models import PaymentBatch, PaymentLine
from tests.factories import today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for, post_confirmed

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]


@pytest.fixture
def batch(policy, clerk, reviewer, approver, finance):
    """A batch of two approved applications (1000.00 each, lines 1 and 2); a third without an
    account is left out."""
    approved(clerk, order="201")
    approved(clerk, order="202")
    approved(clerk, order="203", with_payee=False)
    post_confirmed(client_for(finance), "/workbench/payments/", {})
    return PaymentBatch.objects.get()


def upload(content: bytes, name: str = "results.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def results_text(day: str) -> str:
    # As Chinese Excel saves a CSV: CRLF line ends and dates written 2026/3/5.
    return f"序号,状态,日期,原因\r\n1,成功,{day},\r\n2,失败,,账户已冻结\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_a_results_csv_in_gbk_or_with_a_bom_is_recorded(batch, finance, encoding):
    paid = today()
    content = results_text(f"{paid.year}/{paid.month}/{paid.day}").encode(encoding)
    if encoding == "gbk":
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")  # really not UTF-8: the file Chinese Excel writes
    response = post_confirmed(
        client_for(finance), f"/workbench/payments/batches/{batch.pk}/", {"file": upload(content)}
    )
    assert response.status_code == 302
    lines = {line.seq: line for line in PaymentLine.objects.all()}
    assert (lines[1].status, lines[1].paid_on) == ("paid", paid)
    assert (lines[2].status, lines[2].reason) == ("failed", "账户已冻结")


def test_row_errors_stay_on_the_page_naming_row_and_column_in_chinese(batch, finance):
    web = client_for(finance)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    late = (today() + datetime.timedelta(days=1)).isoformat()
    content = f"序号,状态,日期,原因\n1,成功,{late},\n2,失败,,\n".encode("gbk")
    response = post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload(content)})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="results-errors"' in page and 'aria-invalid="true"' in page
    assert "第2行，日期：" in page and "第3行，原因：" in page
    assert "未登记任何结果" in page
    assert not PaymentLine.objects.exclude(status="pending").exists()
    # The column of a bad status or line number is named the same way.
    bad = "序号,状态,日期,原因\n9,成功,,\n1,也许,,\n".encode("gb18030")
    page = post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload(bad)}).content.decode()
    assert "第2行，序号：" in page and "第3行，状态：" in page


def test_the_results_form_is_prefilled_read_back_and_uploaded_again(batch, finance):
    web = client_for(finance)
    page = web.get(f"/workbench/payments/batches/{batch.pk}/").content.decode()
    assert f"/payments/batches/{batch.pk}/results-template.xlsx" in page
    assert f"/payments/batches/{batch.pk}/results-template.csv" in page
    response = web.get(f"/workbench/payments/batches/{batch.pk}/results-template.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    lines = list(PaymentLine.objects.order_by("seq"))
    assert rows[0] == ["序号", "状态", "日期", "原因", "用途", "金额"]
    assert [row[0] for row in rows[1:]] == [line.seq for line in lines]
    assert [row[4] for row in rows[1:]] == [line.ref for line in lines]
    assert [row[5] for row in rows[1:]] == [float(line.amount) for line in lines]
    validation = sheet.data_validations.dataValidation[0]
    assert validation.formula1 == '"成功,失败"' and "B2" in str(validation.sqref)
    notes = dict(row for row in workbook["填写说明"].iter_rows(values_only=True))
    assert notes["批次"] == batch.number and "成功" in notes["状态"] and "失败" in notes["原因"]

    # The clerk fills in the first line only; the second is not back yet and stays empty.
    sheet.cell(row=2, column=2).value = "成功"
    sheet.cell(row=2, column=3).value = today()
    filled = io.BytesIO()
    workbook.save(filled)
    response = post_confirmed(
        web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload(filled.getvalue(), "r.xlsx")}
    )
    assert response.status_code == 302
    statuses = dict(PaymentLine.objects.values_list("seq", "status"))
    assert statuses == {1: "paid", 2: "pending"}
    # The next form holds only the line still awaiting its result.
    again = load_workbook(io.BytesIO(web.get(f"/workbench/payments/batches/{batch.pk}/results-template.xlsx").content))
    assert [row[0] for row in again.worksheets[0].iter_rows(min_row=2, values_only=True)] == [2]


def test_the_csv_form_opens_in_excel_and_reads_back(batch, finance, auditor):
    response = client_for(finance).get(f"/workbench/payments/batches/{batch.pk}/results-template.csv")
    assert response.status_code == 200 and response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "序号,状态,日期,原因,用途,金额"
    first = PaymentLine.objects.get(seq=1)
    assert lines[1] == f"1,,,,{first.ref},{first.amount:.2f}"
    # The form is the finance officer's: an auditor reads the batch but fills in nothing.
    assert client_for(auditor).get(f"/workbench/payments/batches/{batch.pk}/results-template.csv").status_code == 403
