"""Tables as offices send them: CSV in UTF-8 (with or without a byte-order mark) or in GB18030 (which
covers GBK, what Chinese Excel saves), and XLSX workbooks. Every upload and import reads its file
here, so each accepts the same files and names its rows the same way: row 1 is the header, as a
spreadsheet shows it.

An XLSX file is a zip archive: its declared uncompressed size is checked before anything is
unpacked (Python's zip reader never inflates an entry beyond its declared size), the worksheet is
streamed read-only and its cells counted, so a small file cannot make the server inflate gigabytes
(a zip bomb). The XML parser (expat 2.4 or newer) refuses entity expansion attacks by itself."""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from aidflow.core.errors import InputErrors

XLSX_MAGIC = b"PK\x03\x04"
# The old binary Excel format (.xls, an OLE compound file): not read; the clerk saves as XLSX or CSV.
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
ENCODINGS = ("utf-8-sig", "gb18030")
# Dates as Chinese Excel writes them into a CSV (2026/3/5), as people type them (2026.3.5,
# 2026年3月5日, 20260305), and as ISO (2026-03-05, perhaps with a time after it).
DATE_FORMS = re.compile(
    r"^(?P<year>[0-9]{4})(?:[-/.年](?P<month>[0-9]{1,2})[-/.月](?P<day>[0-9]{1,2})日?|(?P<m2>[0-9]{2})(?P<d2>[0-9]{2}))"
    r"(?:[ T][0-9:.]+)?$"
)


@dataclass(frozen=True)
class Limits:
    """How much a file may hold: its size as uploaded, an XLSX's size unpacked, and its cells."""

    max_bytes: int
    max_unpacked: int
    max_cells: int
    max_entries: int = 200
    max_rows: int = 1_048_576  # an XLSX sheet's own limit


ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


# A web upload (the bank's results): a few thousand lines at most.
UPLOAD_LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_unpacked=50 * 1024 * 1024, max_cells=200_000, max_rows=50_000)
# The bank's results of a payment batch: a county's batch may hold 100,000 lines or more, each a row
# of the results form's 6 columns.
BATCH_RESULTS_LIMITS = Limits(
    max_bytes=32 * 1024 * 1024, max_unpacked=320 * 1024 * 1024, max_cells=1_500_000, max_rows=250_000
)
# An administrator's import on the server (a city's rolls): an XLSX sheet's own limit of rows.
IMPORT_LIMITS = Limits(max_bytes=256 * 1024 * 1024, max_unpacked=1024 * 1024 * 1024, max_cells=12_000_000)


@dataclass(frozen=True)
class Table:
    """A file's rows as text cells, stripped; `rows[0]` is spreadsheet row 1."""

    rows: list[list[str]]
    kind: str = "csv"  # csv or xlsx
    encoding: str = ""  # the CSV's encoding as detected
    header: list[str] = field(init=False)

    def __post_init__(self):
        header = list(self.rows[0]) if self.rows else []
        while header and not header[-1]:
            header.pop()  # formatted but empty cells after the last column
        object.__setattr__(self, "header", header)

    def body(self) -> list[tuple[int, list[str]]]:
        """(spreadsheet row number, cells) of every non-blank row under the header."""
        return [(number, row) for number, row in enumerate(self.rows[1:], start=2) if any(row)]

    def records(self, columns: list[str] | None = None) -> list[tuple[int, dict[str, str]]]:
        """(row number, {header name: cell}) of every non-blank row, like csv.DictReader but with
        the spreadsheet's row numbers (blank rows counted, not returned); missing cells are ""."""
        names = columns or self.header
        return [
            (number, {name: (row[index] if index < len(row) else "") for index, name in enumerate(names) if name})
            for number, row in self.body()
        ]


def _file_error(message: str) -> InputErrors:
    return InputErrors({"file": [message]})


def cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates as YYYY-MM-DD, whole numbers without .0."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def date_text(value: str) -> str:
    """A date cell as YYYY-MM-DD when it is written in one of the usual ways, else unchanged (so the
    reader's own check names it)."""
    match = DATE_FORMS.match(value.strip())
    if match is None:
        return value
    month, day = match["month"] or match["m2"], match["day"] or match["d2"]
    try:
        return datetime.date(int(match["year"]), int(month), int(day)).isoformat()
    except ValueError:
        return value


def decode_text(content: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a byte-order mark is dropped) when the bytes are strictly UTF-8,
    else GB18030; InputErrors naming `file` when they are neither."""
    for encoding in ENCODINGS:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise _file_error(_("The file is neither UTF-8 nor GB18030 (GBK) text: save it as CSV UTF-8 or as XLSX."))


def _too_many_rows(limits: Limits) -> InputErrors:
    return _file_error(_("The file has more than %(count)d rows.") % {"count": limits.max_rows})


def _csv_rows(text: str, limits: Limits) -> list[list[str]]:
    rows, cells = [], 0
    for row in csv.reader(io.StringIO(text)):
        cells += max(1, len(row))
        if cells > limits.max_cells:
            raise _file_error(_("The file has more than %(count)d cells.") % {"count": limits.max_cells})
        if len(rows) >= limits.max_rows:
            raise _too_many_rows(limits)
        rows.append([cell.strip() for cell in row])
    return rows


def _count_rows(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Refuse a workbook whose sheets hold more rows than the limit, counting the row tags while
    inflating (the sizes were checked already), before any XML is parsed."""
    rows, tail = 0, b""
    for entry in entries:
        if not (entry.filename.startswith("xl/worksheets/") and entry.filename.endswith(".xml")):
            continue
        try:
            with archive.open(entry) as stream:
                while chunk := stream.read(1024 * 1024):
                    rows += len(ROW_TAG.findall(tail + chunk))
                    tail = chunk[-16:]
                    rows -= len(ROW_TAG.findall(tail))  # counted again with the next chunk
                    if rows > limits.max_rows:
                        raise _too_many_rows(limits)
                rows += len(ROW_TAG.findall(tail))
                tail = b""
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError):
            raise _file_error(_("The file is not a readable XLSX workbook.")) from None
    if rows > limits.max_rows:
        raise _too_many_rows(limits)


def _xlsx_rows(content: bytes, limits: Limits) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _file_error(_("The file is not a readable XLSX workbook.")) from None
    if len(entries) > limits.max_entries or sum(entry.file_size for entry in entries) > limits.max_unpacked:
        raise _file_error(
            _("The workbook unpacks to more than %(size)d MB; save its first sheet as CSV.")
            % {"size": limits.max_unpacked // (1024 * 1024)}
        )
    _count_rows(archive, entries, limits)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:
        raise _file_error(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        # Trust no declared dimension: rows hold the cells the sheet has, not a padding to it.
        sheet.reset_dimensions()
        rows, cells = [], 0
        for row in sheet.iter_rows(values_only=True):
            cells += max(1, len(row))
            if cells > limits.max_cells:
                raise _file_error(_("The file has more than %(count)d cells.") % {"count": limits.max_cells})
            rows.append([cell_text(value) for value in row])
    except InputErrors:
        raise
    except Exception:
        raise _file_error(_("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def table_read(content: bytes, *, limits: Limits = UPLOAD_LIMITS) -> Table:
    """The first sheet of an XLSX workbook, or a CSV file in UTF-8 or GB18030, as a Table;
    InputErrors naming `file` for a file too large, unreadable or in another format."""
    if len(content) > limits.max_bytes:
        raise _file_error(_("The file is larger than %(size)d MB.") % {"size": limits.max_bytes // (1024 * 1024)})
    if content.startswith(XLSX_MAGIC):
        return Table(rows=_xlsx_rows(content, limits), kind="xlsx")
    if content.startswith(XLS_MAGIC):
        raise _file_error(_("An old Excel file (.xls) cannot be read: save it as XLSX or CSV."))
    text, encoding = decode_text(content)
    return Table(rows=_csv_rows(text, limits), kind="csv", encoding=encoding)


def table_upload(upload, *, limits: Limits = UPLOAD_LIMITS) -> Table:
    """An uploaded file read up to its limit (a larger one is refused without reading it all)."""
    content = upload.read(limits.max_bytes + 1)
    return table_read(content, limits=limits)


def table_text(text: str) -> Table:
    """CSV text already decoded (the demo's own files, tests)."""
    return Table(rows=_csv_rows(text.lstrip("\ufeff"), IMPORT_LIMITS), kind="csv", encoding="utf-8")


def table_of(*, text: str | None = None, table: Table | None = None) -> Table:
    """A service's input: a Table already read, or CSV text."""
    if table is not None:
        return table
    return table_text(text or "")


def table_file(path, *, limits: Limits = IMPORT_LIMITS) -> Table:
    """A file on the server (a management command's argument), size-checked before it is read."""
    from pathlib import Path

    path = Path(path)
    if path.stat().st_size > limits.max_bytes:
        raise _file_error(_("The file is larger than %(size)d MB.") % {"size": limits.max_bytes // (1024 * 1024)})
    return table_read(path.read_bytes(), limits=limits)
