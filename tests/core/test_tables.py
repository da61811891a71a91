"""The one table reader: CSV in UTF-8, UTF-8 with a BOM or GB18030/GBK, XLSX; spreadsheet row
numbers; dates as offices write them; files that would unpack or expand without bound refused."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook

from aidflow.core.errors import InputErrors
from aidflow.core.tables import Limits, cell_text, date_text, table_read

ROWS = "序号,状态,日期,原因\n1,成功,2026-03-05,\n\n2,失败,,账户已冻结\n"


def xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8", "utf-8-sig"), ("utf-8-sig", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_every_office_encoding_reads_the_same(encoding, detected):
    table = table_read(ROWS.encode(encoding))
    assert table.encoding == detected and table.kind == "csv"
    assert table.header == ["序号", "状态", "日期", "原因"]
    # The blank line is spreadsheet row 3: counted, not returned.
    assert table.body() == [(2, ["1", "成功", "2026-03-05", ""]), (4, ["2", "失败", "", "账户已冻结"])]
    assert table.records()[1] == (4, {"序号": "2", "状态": "失败", "日期": "", "原因": "账户已冻结"})


def test_a_character_only_gb18030_has_is_read():
    # 𠀀 (U+20000) is outside GBK; GB18030 encodes it in four bytes.
    table = table_read("name\n𠀀家庄\n".encode("gb18030"))
    assert table.body() == [(2, ["𠀀家庄"])]


def test_other_encodings_and_old_excel_files_are_refused_by_name():
    with pytest.raises(InputErrors) as caught:
        table_read("a,b\n山东,1\n".encode("utf-16"))
    assert "GB18030" in caught.value.text() and list(caught.value.errors) == ["file"]
    with pytest.raises(InputErrors, match="xls"):
        table_read(b"\xd0\xcf\x11\xe0" + bytes(600))
    with pytest.raises(InputErrors, match="not a readable XLSX"):
        table_read(b"PK\x03\x04 broken")


def test_xlsx_cells_read_as_the_csv_would_hold_them():
    content = xlsx(
        [
            ["序号", "状态", "日期", "原因", None],
            [1.0, "成功", datetime.datetime(2026, 3, 5), None],
            [],
            [2, " 失败 ", datetime.date(2026, 3, 6), "账户已冻结"],
        ]
    )
    table = table_read(content)
    assert table.kind == "xlsx" and table.header == ["序号", "状态", "日期", "原因"]
    # Cells openpyxl never wrote are missing from the row; a record fills them in.
    assert table.body() == [(2, ["1", "成功", "2026-03-05"]), (4, ["2", "失败", "2026-03-06", "账户已冻结"])]
    assert table.records()[0] == (2, {"序号": "1", "状态": "成功", "日期": "2026-03-05", "原因": ""})
    assert cell_text(Decimal("12.50")) == "12.50" and cell_text(True) == "TRUE"
    assert cell_text(datetime.datetime(2026, 3, 5, 9, 30)) == "2026-03-05 09:30:00"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("2026/3/5", "2026-03-05"),
        ("2026年3月5日", "2026-03-05"),
        ("20260305", "2026-03-05"),
        ("2026.03.05", "2026-03-05"),
        ("2026-02-30", "2026-02-30"),
        ("昨天", "昨天"),
    ],
)
def test_dates_as_offices_write_them(written, read):
    assert date_text(written) == read


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    # 60 MB of zeros compress to about 60 KB: a small upload that would unpack past the limit.
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx([["a"]]))) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            bomb.writestr(entry, source.read(entry))
        bomb.writestr("xl/media/filler.bin", bytes(60 * 1024 * 1024))
    content = buffer.getvalue()
    assert len(content) < 1024 * 1024
    with pytest.raises(InputErrors, match="unpacks to more than 50 MB"):
        table_read(content)


def test_cells_are_counted_whatever_the_sheet_declares():
    small = Limits(max_bytes=1024 * 1024, max_unpacked=10 * 1024 * 1024, max_cells=50)
    rows = [["a", "b", "c"]] * 20
    with pytest.raises(InputErrors, match="more than 50 cells"):
        table_read(xlsx(rows), limits=small)
    with pytest.raises(InputErrors, match="more than 50 cells"):
        table_read(("a,b,c\n" * 20).encode(), limits=small)
    assert len(table_read(xlsx(rows[:10]), limits=small).rows) == 10
    with pytest.raises(InputErrors, match="larger than 1 MB"):
        table_read(b"a" * (1024 * 1024 + 1), limits=small)


def test_rows_are_counted_before_the_sheet_is_parsed(monkeypatch):
    import openpyxl

    small = Limits(max_bytes=1024 * 1024, max_unpacked=10 * 1024 * 1024, max_cells=10_000, max_rows=10)
    content = xlsx([["a", "b"]] * 11)
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *args, **kwargs: pytest.fail("the sheet was parsed"))
    with pytest.raises(InputErrors, match="more than 10 rows"):
        table_read(content, limits=small)
    with pytest.raises(InputErrors, match="more than 10 rows"):
        table_read(("a,b\n" * 11).encode(), limits=small)
    monkeypatch.undo()
    assert len(table_read(xlsx([["a", "b"]] * 10), limits=small).rows) == 10


def test_row_tags_are_counted_across_the_inflated_chunks():
    from aidflow.core import tables

    # 300,000 rows of a tiny sheet: more than one 1 MB chunk of XML, every row counted once.
    small = Limits(max_bytes=20 * 1024 * 1024, max_unpacked=200 * 1024 * 1024, max_cells=10**7, max_rows=299_999)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<sheetData>" + b'<row r="1"/>' * 300_000 + b"</sheetData>")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive, pytest.raises(InputErrors, match="rows"):
        tables._count_rows(archive, archive.infolist(), small)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        tables._count_rows(archive, archive.infolist(), Limits(**{**small.__dict__, "max_rows": 300_000}))
