"""The application list and the inbox as XLSX: the screen's filters, scope and masking, Chinese
headers, and an audit event naming the list, its filters and the row count."""

import io

import pytest
from openpyxl import load_workbook

from aidflow.audit.models import AuditEvent
from tests.factories import ApplicationFactory, person
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read(response) -> tuple[list[list], dict]:
    """The first sheet's rows and the notes sheet as {label: value}."""
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    rows = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    notes = dict(workbook["说明"].iter_rows(values_only=True))
    return rows, notes


def every_cell(rows) -> str:
    return " ".join(str(cell) for row in rows for cell in row if cell is not None)


@pytest.fixture
def filed(policy, clerk, far_clerk):
    first = ApplicationFactory(user=clerk, data__person=person("301"))
    second = ApplicationFactory(user=clerk, data__person=person("302"))
    far = ApplicationFactory(user=far_clerk, data__person=person("303"))
    return first, second, far


def test_the_list_export_masks_as_the_screen_and_is_audited(filed, approver):
    first, second, _far = filed
    web = client_for(approver)
    page = web.get("/workbench/applications/").content.decode()
    assert 'href="/workbench/applications/export.xlsx"' in page and "导出 Excel" in page
    rows, notes = read(web.get("/workbench/applications/export.xlsx"))
    header = rows[0]
    assert header[:8] == ["编号", "申请人", "身份证号", "村（居）", "救助对象类别", "救助类型", "环节", "状态"]
    by_number = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_number) == {first.number, second.number}  # the county's, not 平原县's
    row = by_number[first.number]
    assert row["申请人"] == first.masked_name == "王*英"
    assert row["身份证号"] == first.masked_id_number and "*" in row["身份证号"]
    assert row["环节"] == "村级核查" and row["村（居）"] == first.village.name
    assert first.id_number not in every_cell(rows) and first.applicant_name not in every_cell(rows)
    assert notes["列表"] == "救助申请" and notes["行数"] == 2 and notes["导出人"] == "陈明"
    event = AuditEvent.objects.get(action="list_exported")
    assert event.actor == approver and event.details["list"] == "applications"
    assert (event.details["rows"], event.details["filters"], event.details["capped"]) == (2, {}, False)


def test_the_export_applies_the_screens_filters(filed, approver):
    first, _second, _far = filed
    web = client_for(approver)
    page = web.get("/workbench/applications/", {"q": first.number, "stage": "village_check", "page": "1"})
    link = f'href="/workbench/applications/export.xlsx?q={first.number}&amp;stage=village_check"'
    assert link in page.content.decode()  # the filters travel, the page does not
    rows, notes = read(web.get("/workbench/applications/export.xlsx", {"q": first.number, "stage": "village_check"}))
    assert [row[0] for row in rows[1:]] == [first.number]
    assert first.number in notes["筛选条件"] and "村级核查" in notes["筛选条件"]
    event = AuditEvent.objects.get(action="list_exported")
    assert event.details["filters"] == {"q": first.number, "stage": "village_check"} and event.details["rows"] == 1
    rows, _notes = read(web.get("/workbench/applications/export.xlsx", {"status": "approved"}))
    assert rows[1:] == []


def test_the_inbox_export_holds_what_waits_for_the_user(filed, clerk, reviewer):
    first, second, _far = filed
    page = client_for(clerk).get("/workbench/inbox/").content.decode()
    assert 'href="/workbench/inbox/export.xlsx"' in page
    rows, notes = read(client_for(clerk).get("/workbench/inbox/export.xlsx"))
    assert {row[0] for row in rows[1:]} == {first.number, second.number} and notes["列表"] == "我的待办"
    # Nothing waits for the township yet: its inbox export is empty, its list export is not.
    assert read(client_for(reviewer).get("/workbench/inbox/export.xlsx"))[0][1:] == []
    assert len(read(client_for(reviewer).get("/workbench/applications/export.xlsx"))[0]) == 3
    assert AuditEvent.objects.filter(action="list_exported", details__list="inbox").count() == 2


def test_an_outsider_exports_only_its_own_county(filed, outsider):
    first, second, far = filed
    rows, _notes = read(client_for(outsider).get("/workbench/applications/export.xlsx"))
    assert [row[0] for row in rows[1:]] == [far.number]
    assert first.number not in every_cell(rows) and second.number not in every_cell(rows)


def test_formula_like_text_is_written_as_text(policy, clerk):
    # A name such as "=cmd" must never become a formula in the export.
    from aidflow.cases.models import Application

    application = ApplicationFactory(user=clerk, data__person=person("304"))
    Application.objects.filter(pk=application.pk).update(applicant_name="=HYPERLINK(1)")
    response = client_for(clerk).get("/workbench/applications/export.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.worksheets[0]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=")
