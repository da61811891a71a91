"""The payable list and the month's payments as XLSX: as on screen (accounts masked), with totals,
scoped to the county, each export audited."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from aidflow.payments.models import PaymentLine
from tests.factories import today
from tests.payments.conftest import ACCOUNT, approved
from tests.payments.test_files import batch  # noqa: F401 - fixture
from tests.workflows.helpers import client_for, post_confirmed

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]


def workbook_of(response):
    assert response.status_code == 200 and response.content.startswith(b"PK")
    return load_workbook(io.BytesIO(response.content))


def cells(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_payable_export_masks_accounts_and_totals(policy, clerk, reviewer, approver, finance):
    first = approved(clerk, order="401")
    approved(clerk, order="402")
    skipped = approved(clerk, order="403", with_payee=False)
    page = client_for(finance).get("/workbench/payments/").content.decode()
    assert 'href="/workbench/payments/export.xlsx"' in page
    workbook = workbook_of(client_for(finance).get("/workbench/payments/export.xlsx"))
    rows = cells(workbook["待发放"])
    assert rows[0] == ["类型", "编号", "收款人", "开户行", "账号", "金额", "备注"]
    line = next(row for row in rows if row[1] == first.number)
    assert line == ["申请", first.number, "王秀英", "德州农商银行", "*" * 15 + ACCOUNT[-4:], 1000, None]
    assert rows[-1][:2] == ["合计", "2 笔"] and rows[-1][5] == 2000
    assert ACCOUNT not in " ".join(str(cell) for row in rows for cell in row)
    assert cells(workbook["未纳入本批次"])[1][1] == skipped.number
    event = AuditEvent.objects.get(action="list_exported")
    assert event.details["list"] == "payable" and event.details["rows"] == 2 and event.region == "371403"
    # The approver sees no payable screen and exports none; another county's officer exports its own.
    assert client_for(approver).get("/workbench/payments/export.xlsx").status_code == 403


def test_another_countys_officer_exports_nothing_of_this_county(policy, clerk, reviewer, approver, other_finance):
    first = approved(clerk, order="411")
    workbook = workbook_of(client_for(other_finance).get("/workbench/payments/export.xlsx"))
    assert cells(workbook["待发放"])[1:] == [["合计", "0 笔", None, None, None, 0, None]]
    assert first.number not in str(cells(workbook["待发放"]))


def test_the_month_report_export_has_the_sums_and_every_line(batch, finance, other_finance):  # noqa: F811
    day = today()
    content = f"序号,状态,日期,原因\n1,成功,{day.isoformat()},\n2,失败,,账户已冻结\n".encode("gbk")
    post_confirmed(
        client_for(finance), f"/workbench/payments/batches/{batch.pk}/", {"file": SimpleUploadedFile("r.csv", content)}
    )
    month = day.strftime("%Y-%m")
    page = client_for(finance).get("/workbench/payments/report/", {"month": month}).content.decode()
    assert f'href="/workbench/payments/report/export.xlsx?month={month}"' in page
    workbook = workbook_of(client_for(finance).get("/workbench/payments/report/export.xlsx", {"month": month}))
    summary = cells(workbook["汇总"])
    assert summary[0] == ["类型", "结果", "笔数", "金额"]
    assert sorted(summary[1:]) == sorted([["申请", "已发放", 1, 1000], ["申请", "失败", 1, 1000]])
    lines = cells(workbook["明细"])
    assert lines[0] == ["批次", "序号", "类型", "编号", "收款人", "金额", "结果", "发放日期", "失败原因"]
    paid = PaymentLine.objects.get(seq=1)
    row = next(row for row in lines if row[1] == 1)
    assert row[:7] == [batch.number, 1, "申请", paid.ref, "王秀英", 1000, "已发放"]
    assert row[7].date() == day and row[8] is None
    assert next(row for row in lines if row[1] == 2)[8] == "账户已冻结"
    event = AuditEvent.objects.get(action="list_exported")
    assert event.details["filters"] == {"month": month} and event.details["rows"] == 2
    # Scope: another county's officer's report of the same month holds none of these lines.
    other = workbook_of(client_for(other_finance).get("/workbench/payments/report/export.xlsx", {"month": month}))
    assert cells(other["明细"])[1:] == [] and cells(other["汇总"])[1:] == []
    assert client_for(finance).get("/workbench/payments/report/export.xlsx", {"month": "2026-13"}).status_code == 404
