"""The settlement list and the claims list as XLSX: the screen's filters and scope (the hospital's
own; what a county pays), Chinese headers, and the audit event of each export."""

import io

import pytest
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import today
from tests.settlements.conftest import WANG, settle_body
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def rows_of(response) -> list[list]:
    assert response.status_code == 200 and response.content.startswith(b"PK")
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


@pytest.fixture
def settled(window, other_window):
    """张秀兰 settled at 陵城区人民医院 (paid by 陵城区), 王五 at 平原县人民医院 (paid by 平原县), each claimed."""
    month = today().strftime("%Y-%m")
    for clerk, body, county in (
        (window, settle_body(), "371403"),
        (other_window, settle_body(WANG, name="王五"), "371426"),
    ):
        web = client_for(clerk)
        assert web.post("/api/v1/settlements/", body, content_type="application/json").status_code == 201
        claim = {"month": month, "county": county}
        assert web.post("/api/v1/settlement-claims/", claim, content_type="application/json").status_code == 201
    return {settlement.county: settlement for settlement in Settlement.objects.all()}


def test_the_settlement_export_follows_the_screen(settled, window, approver, outsider, other_window):
    ours = settled["371403"]
    web = client_for(window)
    month = ours.discharge_date.strftime("%Y-%m")
    page = web.get("/workbench/settlements/", {"month": month, "status": "claimed", "page": "1"}).content.decode()
    assert f'href="/workbench/settlements/export.xlsx?month={month}&amp;status=claimed"' in page
    rows = rows_of(web.get("/workbench/settlements/export.xlsx", {"month": month}))
    assert rows[0] == [
        "编号",
        "患者",
        "救助对象类别",
        "医院",
        "入院日期",
        "出院日期",
        "救助金额",
        "个人自付",
        "状态",
        "结算申请",
    ]
    assert [row[0] for row in rows[1:]] == [ours.number]  # the hospital's own, not 平原县人民医院's
    row = rows[1]
    assert row[1] == "张秀兰" and row[3] == "陵城区人民医院" and row[5].date() == ours.discharge_date
    assert (row[6], row[7]) == (5950, 4550) and row[9] == ours.claim.number
    assert ours.id_number not in str(rows)  # the list shows no ID number, nor does its export
    event = AuditEvent.objects.get(action="list_exported")
    assert event.details == {**event.details, "list": "settlements", "filters": {"month": month}, "rows": 1}
    # Each county exports what it pays; another hospital its own, nothing of this one's.
    assert [row[0] for row in rows_of(client_for(approver).get("/workbench/settlements/export.xlsx"))[1:]] == [
        ours.number
    ]
    assert [row[0] for row in rows_of(client_for(outsider).get("/workbench/settlements/export.xlsx"))[1:]] == [
        settled["371426"].number
    ]
    theirs = client_for(other_window)
    assert [row[0] for row in rows_of(theirs.get("/workbench/settlements/export.xlsx"))[1:]] == [
        settled["371426"].number
    ]
    assert rows_of(theirs.get("/workbench/settlements/export.xlsx", {"q": "张秀兰"}))[1:] == []
    filtered = rows_of(theirs.get("/workbench/settlements/export.xlsx", {"q": "王五", "status": "claimed"}))
    assert [row[0] for row in filtered[1:]] == [settled["371426"].number]


def test_the_claims_export_names_the_paying_county(settled, window, approver, outsider):
    page = client_for(approver).get("/workbench/claims/").content.decode()
    assert 'href="/workbench/claims/export.xlsx"' in page
    rows = rows_of(client_for(approver).get("/workbench/claims/export.xlsx"))
    claim = SettlementClaim.objects.get(county="371403")
    assert rows[0] == ["编号", "医院", "承担资金的县", "月份", "结算笔数", "申请金额", "核准金额", "状态", "资金发放"]
    assert rows[1:] == [[claim.number, "陵城区人民医院", "陵城区", claim.month, 1, 5950, None, "已提交", None]]
    outside = rows_of(client_for(outsider).get("/workbench/claims/export.xlsx"))[1:]
    assert [(row[1], row[2]) for row in outside] == [("平原县人民医院", "平原县")]
    assert [row[0] for row in rows_of(client_for(window).get("/workbench/claims/export.xlsx"))[1:]] == [claim.number]
    events = AuditEvent.objects.filter(action="list_exported", details__list="claims")
    assert [event.details["rows"] for event in events.order_by("seq")] == [1, 1, 1]
