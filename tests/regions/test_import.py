"""import_regions: the shipped file, refusals that name the row, idempotence."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from aidflow.regions.codes import normalise_code, parent_code
from aidflow.regions.models import Region
from tests.factories import REGIONS_FILE


@pytest.fixture(autouse=True)
def no_regions(request):
    """Each import starts from an empty table: the regions the session imported are removed, villages
    first (a parent is protected while it has children), inside the test's rolled-back transaction."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("db")
    for level in ("village", "township", "county", "city", "province"):
        Region.objects.filter(level=level).delete()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "regions.csv"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_shipped_file_imports_every_row_with_parents(capsys):
    call_command("import_regions", str(REGIONS_FILE))
    rows = REGIONS_FILE.read_text(encoding="utf-8").strip().splitlines()[1:]
    assert Region.objects.count() == len(rows) == 570
    assert "570 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    village = Region.objects.select_related("parent__parent__parent").get(code="371426102201")
    assert (village.name, village.level) == ("南油坊", "village")
    assert village.parent.code == "371426102" and village.parent.name == "前曹镇"
    assert village.parent.parent.code == "371426" and village.parent.parent.parent.code == "3714"
    assert village.source == "seed-2016;code-synthetic"
    assert village.full_name == "平原县前曹镇南油坊"
    assert Region.objects.get(code="37").parent is None
    assert Region.objects.filter(level="county").count() == 12


@pytest.mark.django_db
def test_reimport_is_idempotent(capsys):
    call_command("import_regions", str(REGIONS_FILE))
    before = list(Region.objects.values_list("code", "name", "level", "parent_id", "source"))
    capsys.readouterr()
    call_command("import_regions", str(REGIONS_FILE))
    assert "0 created, 0 updated, 570 unchanged" in capsys.readouterr().out
    assert list(Region.objects.values_list("code", "name", "level", "parent_id", "source")) == before


@pytest.mark.django_db
def test_reimport_updates_a_renamed_region(tmp_path, capsys):
    call_command("import_regions", str(write(tmp_path, "code,name\n37,山东省\n3714,德州市\n")))
    call_command("import_regions", str(write(tmp_path, "code,name\n37,山东省\n3714,德州市(新)\n")))
    assert "0 created, 1 updated, 1 unchanged" in capsys.readouterr().out
    assert Region.objects.get(code="3714").name == "德州市(新)"


@pytest.mark.django_db
def test_parent_already_in_database_is_enough(tmp_path):
    call_command("import_regions", str(write(tmp_path, "code,name\n37,山东省\n")))
    call_command("import_regions", str(write(tmp_path, "code,name,level\n3714,德州市,city\n")))
    assert Region.objects.get(code="3714").parent_id == "37"


@pytest.mark.django_db
def test_zero_padded_codes_are_normalised(tmp_path):
    call_command(
        "import_regions",
        str(write(tmp_path, "code,name\n370000000000,山东省\n371400000000,德州市\n371402000000,德城区\n")),
    )
    assert sorted(Region.objects.values_list("code", flat=True)) == ["37", "3714", "371402"]


@pytest.mark.parametrize(
    ("text", "row", "reason"),
    [
        ("code,name\n37,山东省\n37A4,德州市\n", "Row 3", "digits only"),
        ("code,name\n37,山东省\n37140,德州市\n", "Row 3", "2, 4, 6, 9 or 12 digits"),
        ("code,name,level\n37,山东省,province\n3714,德州市,prefecture\n", "Row 3", "unknown level 'prefecture'"),
        ("code,name,level\n37,山东省,province\n3714,德州市,county\n", "Row 3", "does not fit code 3714"),
        ("code,name\n37,山东省\n371402,德城区\n", "Row 3", "3714 is neither in the database nor in the file"),
        ("code,name\n37,山东省\n3714,\n", "Row 3", "name of region 3714 is empty"),
        ("code,name\n37,山东省\n37,山东\n", "Row 3", "already appears in row 2"),
        ("name,code\n", "", "header but no regions"),
        ("id,title\n1,x\n", "Row 1", "header must start with code,name"),
    ],
)
@pytest.mark.django_db
def test_a_bad_row_imports_nothing_and_names_the_row(tmp_path, text, row, reason):
    good_rows = "code,name\n37,山东省\n3714,德州市\n"
    # The good rows come first in each file, so a partial import would leave them behind.
    with pytest.raises(CommandError) as caught:
        call_command("import_regions", str(write(tmp_path, text)))
    message = str(caught.value)
    assert row in message and reason in message
    assert "Nothing was imported" in message
    assert Region.objects.count() == 0
    # A good file still imports afterwards.
    call_command("import_regions", str(write(tmp_path, good_rows)))
    assert Region.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_files_as_chinese_excel_saves_them_import(tmp_path, encoding):
    """GBK/GB18030 (Chinese Excel's "CSV") and UTF-8 with a byte-order mark read the same."""
    path = tmp_path / f"{encoding}.csv"
    path.write_bytes("code,name\n37,山东省\n3714,德州市\n".encode(encoding))
    call_command("import_regions", str(path))
    assert dict(Region.objects.values_list("code", "name")) == {"37": "山东省", "3714": "德州市"}


@pytest.mark.django_db
def test_an_xlsx_region_file_imports_and_names_the_column(tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in (["code", "name", "level"], ["37", "山东省", "province"], [], [3714, "德州市", "county"]):
        workbook.active.append(row)
    path = tmp_path / "regions.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError) as caught:
        call_command("import_regions", str(path))
    # The blank spreadsheet row 3 is counted: the bad row is row 4, as the spreadsheet shows it.
    assert "Row 4, level: level county does not fit code 3714" in str(caught.value)
    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_missing_file_and_bad_encoding_are_clear(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_regions", str(tmp_path / "absent.csv"))
    path = tmp_path / "utf16.csv"
    path.write_bytes("code,name\n37,山东省\n".encode("utf-16"))
    with pytest.raises(CommandError, match="neither UTF-8 nor GB18030"):
        call_command("import_regions", str(path))
    path.write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(CommandError, match=r"\.xls"):
        call_command("import_regions", str(path))


def test_code_helpers():
    assert normalise_code(" 371402001201 ") == "371402001201"
    assert normalise_code("371402001000") == "371402001"
    assert normalise_code("371400000000") == "3714"
    assert parent_code("371402001201") == "371402001"
    assert parent_code("371402001") == "371402"
    assert parent_code("371402") == "3714"
    assert parent_code("3714") == "37"
    assert parent_code("37") is None
    for bad in ["", "37x", "3", "00", "3714020012010"]:
        with pytest.raises(ValidationError):
            normalise_code(bad)
