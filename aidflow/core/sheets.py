"""Lists written as XLSX workbooks for the offices: a bold header in row 1, text that can never become
a formula, money as numbers formatted 0.00, dates as dates, and a notes sheet saying what the list
is, with which filters, when and by whom. Written with openpyxl's write-only mode, which streams
rows to a temporary file, so memory stays flat however long the list is; a list is cut at
`EXPORT_MAX_ROWS` rows, and the notes and the caller's audit event say so."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

# A county's year of applications fits many times over; a city auditor narrows by filters.
EXPORT_MAX_ROWS = 50_000
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    """One column: its header and width; `kind` is text, money, number, date or datetime."""

    title: str
    width: int = 14
    kind: str = "text"


class ListWorkbook:
    """A workbook of list sheets, built row by row; `content()` gives the file's bytes."""

    def __init__(self):
        from openpyxl import Workbook

        self.workbook = Workbook(write_only=True)

    def _cell(self, sheet, value, kind: str = "text", bold: bool = False):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font

        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
        elif kind == "money" and isinstance(value, Decimal | int | float):
            cell.number_format = MONEY_FORMAT
        elif isinstance(value, datetime.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, datetime.date):
            cell.number_format = DATE_FORMAT
        if bold:
            cell.font = Font(bold=True)
        return cell

    def sheet(
        self,
        title: str,
        columns: list[Column],
        rows: Iterable[list],
        *,
        limit: int = EXPORT_MAX_ROWS,
        footer: list | None = None,
        choices=None,
    ) -> tuple[int, bool]:
        """A sheet with the header in row 1 and at most `limit` rows; `footer` (a totals row) in bold
        after them. `choices` adds drop-down lists: {column index: ["成功", "失败"]}.
        Returns (rows written, whether the list was cut)."""
        from openpyxl.utils import get_column_letter

        sheet = self.workbook.create_sheet(title[:31])
        for index, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        sheet.freeze_panes = "A2"
        if choices:
            self._choices(sheet, choices)
        sheet.append([self._cell(sheet, column.title, bold=True) for column in columns])
        count, capped = 0, False
        for row in rows:
            if count >= limit:
                capped = True
                break
            sheet.append([self._cell(sheet, value, column.kind) for value, column in zip(row, columns, strict=False)])
            count += 1
        if footer:
            cells = zip(footer, columns, strict=False)
            sheet.append([self._cell(sheet, value, column.kind, bold=True) for value, column in cells])
        return count, capped

    def _choices(self, sheet, choices: dict[int, list[str]]) -> None:
        from openpyxl.utils import get_column_letter
        from openpyxl.worksheet.datavalidation import DataValidation

        for index, values in choices.items():
            letter = get_column_letter(index)
            validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
            sheet.data_validations.append(validation)
            validation.add(f"{letter}2:{letter}10000")

    def notes(self, title: str, pairs: list[tuple[str, object]]) -> None:
        """A sheet of (label, value) lines: what the list is and how it was made."""
        sheet = self.workbook.create_sheet(title[:31])
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 80
        for label, value in pairs:
            sheet.append([self._cell(sheet, label, bold=True), self._cell(sheet, value)])

    def content(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def export_notes(
    book: ListWorkbook, *, title: str, filters: list[tuple[str, str]], exported_by: str, count: int, capped: bool
) -> None:
    """The notes sheet of a list export: the list, its filters, who exported it when, the rows."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    pairs: list[tuple[str, object]] = [
        (_("List"), title),
        (_("Filters"), "；".join(f"{label}：{value}" for label, value in filters) or _("none (the whole list)")),
        (_("Exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
        (_("Exported by"), exported_by),
        (_("Rows"), count),
        (_("Personal data"), _("Masked as on the screen; the export is recorded in the audit log.")),
    ]
    if capped:
        pairs.append(
            (
                _("Cut"),
                _("Only the first %(count)d rows are exported: narrow the filters and export again.")
                % {"count": count},
            )
        )
    book.notes(_("Notes"), pairs)


def user_label(user) -> str:
    return user.get_full_name() or user.get_username()
