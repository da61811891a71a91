"""Spreadsheet cells that cannot become formulas (CSV/formula injection): a text starting with
= + - @, a tab or a carriage return is written with a leading apostrophe in CSV, and as a plain
string, never a formula, in XLSX."""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain negative amount (a correction's "-5950.00") is a number, not a formula.
NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_safe(value):
    """The value as a CSV cell: text that a spreadsheet would read as a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_safe(value) for value in values]


def xlsx_text(sheet, row: int, column: int, value) -> None:
    """Write text into an openpyxl cell as a string even when it starts with '='."""
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
