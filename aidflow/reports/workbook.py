"""The month as a workbook (openpyxl): Chinese headers, one sheet per breakdown with a totals row,
money formatted, and the logic checks; the signer when the month was submitted."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils import translation

from aidflow.core.cells import xlsx_text
from aidflow.core.labels import region_name
from aidflow.reports.groups import check_lines, named_tables
from aidflow.reports.statistics import MONEY

HEADER = [
    "代码",
    "名称",
    "人数",
    "人次",
    "总费用",
    "合规费用",
    "基本医保",
    "大病保险",
    "其他支付",
    "医院减免",
    "疾病应急救助",
    "救助金额",
]
MONEY_FORMAT = "#,##0.00"


def _row(code: str, name: str, block: dict) -> list:
    money = (Decimal(block.get(field, "0.00")) for field in MONEY)
    return [code, name, block["persons"], block["person_times"], *money]


def _format(sheet, first_row: int) -> None:
    for row in sheet.iter_rows(min_row=first_row, min_col=5, max_col=12):
        for cell in row:
            cell.number_format = MONEY_FORMAT


def monthly_workbook(figures: dict, *, signer: str = "", signed_at: str = "", sha256: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        return _workbook(Workbook, Font, figures, signer=signer, signed_at=signed_at, sha256=sha256)


def _workbook(Workbook, Font, figures: dict, *, signer: str, signed_at: str, sha256: str) -> bytes:
    region = figures["region"]
    workbook = Workbook()
    summary = workbook.active
    summary.title = "汇总"
    summary.append([f"医疗救助月报 {region_name(region)}（{region}） {figures['month']}"])
    summary["A1"].font = Font(bold=True, size=13)
    summary.append(
        ["报送状态", f"已报送：{signer} {signed_at}（SHA-256 {sha256}）" if signer else "未报送（实时数据）"]
    )
    summary.append(HEADER)
    summary.append(_row(figures["region"], "合计", figures["totals"]))
    _format(summary, 4)
    summary.append([])
    # The checks' codes stay in a last column, for programs; people read the names.
    summary.append(["逻辑校验", "结果", "说明", "代码"])
    for check in check_lines(figures):
        summary.append([check["label"], "通过" if check["ok"] else "不通过", check["message"], check["code"]])
    for title, breakdown, rows in named_tables(figures):
        sheet = workbook.create_sheet(title)
        sheet.append(HEADER)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for (_code, name, block), code in zip(rows, sorted(figures[breakdown]), strict=True):
            sheet.append(_row(code, None, block))
            xlsx_text(sheet, sheet.max_row, 1, code)
            xlsx_text(sheet, sheet.max_row, 2, name)
        totals = sheet.max_row + 1
        sheet.append(_row("", "合计", figures["totals"]))
        persons_note = "（人数按人去重，不等于各组之和）"
        sheet.cell(row=totals, column=2).value = "合计" + persons_note
        for cell in sheet[totals]:
            cell.font = Font(bold=True)
        _format(sheet, 2)
        sheet.column_dimensions["B"].width = 30
        for column in "EFGHIJKL":
            sheet.column_dimensions[column].width = 14
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
