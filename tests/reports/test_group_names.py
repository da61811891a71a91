"""The month's groups and checks named for people, on the screen, in the workbook and in the PDF:
a category by its label, an ICD-10 letter by its chapter, a township by its name, the checks by
name; the group column is headed 分组 (not 姓名), and the figures keep their codes."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from aidflow.reports.statistics import monthly_figures
from tests.factories import today
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.test_visible_codes import SNAKE, visible
from tests.workflows.helpers import client_for

MONTH = today().strftime("%Y-%m")


def test_the_screen_names_groups_and_checks(month_set, approver):  # noqa: F811
    response = client_for(approver).get("/workbench/reports/monthly/", {"region": "371403", "month": MONTH})
    text, _links = visible(response.content.decode())
    assert response.status_code == 200
    assert "分组" in text and "姓名" not in text
    # The month's stays are all C34.9 (lung cancer): chapter C by its range and name.
    assert "C00-C99 肿瘤" in text
    assert ("低保对象" in text and "重特大疾病医疗救助" in text) or "住院救助" in text
    assert "申请审批" in text and "一站式结算" in text
    assert "神头镇" in text  # the township by name
    assert "救助金额不超过合规费用" in text and "按救助对象类别：各组之和等于合计" in text
    assert not SNAKE.findall(text)
    # The API keeps the codes.
    body = client_for(approver).get("/api/v1/statistics/monthly/", {"region": "371403", "month": MONTH}).json()
    assert "C" in body["by_disease_chapter"] and {check["code"] for check in body["checks"]} >= {"AID_WITHIN_ELIGIBLE"}


def test_the_workbook_and_pdf_name_groups_and_keep_codes_for_programs(month_set, approver):  # noqa: F811
    api = client_for(approver)
    workbook = load_workbook(
        io.BytesIO(api.get("/api/v1/statistics/monthly.xlsx", {"region": "371403", "month": MONTH}).content)
    )
    summary = list(workbook["汇总"].iter_rows(values_only=True))
    assert summary[0][0].startswith("医疗救助月报 陵城区（371403）")
    heading = next(index for index, row in enumerate(summary) if row[0] == "逻辑校验")
    assert summary[heading][:4] == ("逻辑校验", "结果", "说明", "代码")
    checks = summary[heading + 1 :]
    assert ("救助金额不超过合规费用", "通过") == checks[0][:2] and checks[0][3] == "AID_WITHIN_ELIGIBLE"
    chapters = {row[0]: row[1] for row in list(workbook["按疾病（ICD-10 章）"].iter_rows(values_only=True))[1:-1]}
    assert chapters["C"] == "C00-C99 肿瘤"
    categories = {row[0]: row[1] for row in list(workbook["按救助对象类别"].iter_rows(values_only=True))[1:-1]}
    figures = monthly_figures(region="371403", year=today().year, month=today().month)
    assert set(categories) == set(figures["by_category"])
    assert all(name and not SNAKE.search(name) for name in categories.values())
    response = api.get("/workbench/reports/monthly/export/", {"region": "371403", "month": MONTH, "format": "pdf"})
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "C00-C99 肿瘤" in text and "救助金额不超过合规费用" in text and "分组" in text
    assert not SNAKE.findall(text)
