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
    if "appeals" in figures:
        _appeals_sheet(workbook.create_sheet("复议诉讼"), Font, figures["appeals"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


APPEAL_KINDS = (("reconsideration", "行政复议"), ("lawsuit", "行政诉讼"))
APPEAL_OUTCOMES = (("upheld", "维持"), ("revoked", "撤销"), ("changed", "变更"), ("withdrawn", "撤回"))


def appeal_row(block: dict) -> list[int]:
    """Received per kind, then each kind's outcomes: the columns of APPEAL_HEADER after the region."""
    received = [block["received"][kind] for kind, _name in APPEAL_KINDS]
    decided = [block["decided"][kind][outcome] for kind, _name in APPEAL_KINDS for outcome, _o in APPEAL_OUTCOMES]
    return received + decided


APPEAL_HEADER = [
    "代码",
    "名称",
    *(f"{name}收到" for _kind, name in APPEAL_KINDS),
    *(f"{name}{outcome}" for _kind, name in APPEAL_KINDS for _code, outcome in APPEAL_OUTCOMES),
]


def _appeals_sheet(sheet, Font, appeals: dict) -> None:
    """The month's reconsiderations and lawsuits: received by kind and decided by kind and outcome,
    one row per county and a totals row."""
    sheet.append(APPEAL_HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for code, block in appeals["by_county"].items():
        sheet.append([code, block.get("name", ""), *appeal_row(block)])
        xlsx_text(sheet, sheet.max_row, 1, code)
        xlsx_text(sheet, sheet.max_row, 2, block.get("name", ""))
    sheet.append(["", "合计", *appeal_row(appeals)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 20


ESTIMATE_HEADER = [
    "类别代码",
    "类别",
    "估算依据",
    "本年在册人数",
    "上年在册人数",
    "基准日在册人数",
    "本年救助人数",
    "上年救助人数",
    "患病率",
    "本年救助金额",
    "上年救助金额",
    "本年人均救助",
    "上年人均救助",
    "增长率",
    "下年估算",
]
AID_TYPE_HEADER = [
    "救助类型代码",
    "救助类型",
    "本年人数",
    "本年救助金额",
    "本年人均",
    "上年人数",
    "上年救助金额",
    "上年人均",
    "人均增长率",
]


def _number(value):
    return None if value is None else Decimal(value)


def estimate_workbook(estimate: dict) -> bytes:
    """The fund-needs estimate: the categories with the formula, then the aid types."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    with translation.override("zh-hans"):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "资金需求估算"
        sheet.append(
            [
                f"{estimate['estimate_year']}年医疗救助资金需求估算 {estimate['region_name']}（{estimate['region']}）"
                f" 基准年{estimate['year']} 基准日{estimate['reference_date']}"
            ]
        )
        sheet["A1"].font = Font(bold=True, size=13)
        for text in estimate["formula"].values():
            sheet.append([text])
        sheet.append(ESTIMATE_HEADER)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        for line in estimate["categories"]:
            sheet.append(
                [
                    line["category"],
                    line["name"],
                    "在册人数" if line["basis"] == "roll" else "救助金额",
                    line["on_roll"],
                    line["on_roll_previous"],
                    line["on_roll_reference"],
                    line["aided"],
                    line["aided_previous"],
                    _number(line["prevalence"]),
                    Decimal(line["aid"]),
                    Decimal(line["aid_previous"]),
                    _number(line["average_aid"]),
                    _number(line["average_aid_previous"]),
                    _number(line["growth"]) if not line["growth_assumed_zero"] else "无上年数据，按0计",
                    Decimal(line["estimate"]),
                ]
            )
            xlsx_text(sheet, sheet.max_row, 2, line["name"])
        totals = estimate["totals"]
        sheet.append(
            [
                *["", "合计", "", totals["on_roll"], None, totals["on_roll_reference"], totals["aided"], None, None],
                *[Decimal(totals["aid"]), Decimal(totals["aid_previous"]), None, None, None],
                Decimal(totals["estimate"]),
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell in row[9:13] + row[14:15]:
                cell.number_format = MONEY_FORMAT
            for cell in (row[8], row[13]):
                cell.number_format = "0.00%"
        sheet.column_dimensions["B"].width = 24
        types = workbook.create_sheet("救助类型")
        types.append(AID_TYPE_HEADER)
        for cell in types[1]:
            cell.font = Font(bold=True)
        for line in estimate["aid_types"]:
            types.append(
                [
                    line["aid_type"],
                    line["name"],
                    line["persons"],
                    Decimal(line["aid"]),
                    _number(line["average_aid"]),
                    line["persons_previous"],
                    Decimal(line["aid_previous"]),
                    _number(line["average_aid_previous"]),
                    _number(line["growth"]),
                ]
            )
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
