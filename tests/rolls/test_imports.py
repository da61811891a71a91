"""Importing the hospital register and the rolls: all rows or none, the bad row named, idempotent,
a later file closing a period, a person back on a roll (INTERFACES section 2)."""

import pytest
from django.core.management import CommandError, call_command

from aidflow.audit.models import AuditEvent
from aidflow.rolls.models import Hospital, RollPeriod
from aidflow.rolls.services import ImportRefused, hospitals_import, recipients_import
from tests.factories import person

pytestmark = pytest.mark.django_db

HOSPITALS = """code,name,level,county,designated_from,designated_to
H001,德州市人民医院,3,371402,2016-01-01,
H002,陵城区人民医院,2,371403,2016-01-01,2030-12-31
"""
ALICE, BOB = person("011"), person("012")


def roll(*rows: str) -> str:
    return "id_number,name,category,region,valid_from,valid_to\n" + "\n".join(rows) + "\n"


def test_hospitals_import_is_idempotent_and_updates(regions):
    assert hospitals_import(text=HOSPITALS).created == 2
    assert (hospitals_import(text=HOSPITALS).created, hospitals_import(text=HOSPITALS).updated) == (0, 0)
    changed = HOSPITALS.replace("陵城区人民医院,2", "陵城区人民医院,3")
    assert hospitals_import(text=changed).updated == 1
    assert Hospital.objects.get(code="H002").level == 3


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("H003,某医院,4,371403,2016-01-01,", "Row 4, level"),
        ("H003,某医院,2,371403105,2016-01-01,", "Row 4, county"),
        ("H003,某医院,2,371403,2016-13-01,", "Row 4, designated_from"),
        ("H003,某医院,2,371403,2016-01-01,2015-01-01", "Row 4, designated_to"),
        ("H001,重复,2,371403,2016-01-01,", "Row 4, code"),
    ],
)
def test_a_bad_hospital_row_is_named_and_nothing_is_written(regions, line, message):
    with pytest.raises(ImportRefused, match=message):
        hospitals_import(text=HOSPITALS + line + "\n")
    assert Hospital.objects.count() == 0


def test_import_hospitals_command(regions, tmp_path, capsys):
    path = tmp_path / "hospitals.csv"
    path.write_text(HOSPITALS, encoding="utf-8")
    call_command("import_hospitals", str(path))
    assert "hospitals: 2 created, 0 updated" in capsys.readouterr().out
    path.write_text("code,name\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Row 1"):
        call_command("import_hospitals", str(path))


def test_rolls_import_closes_a_period_and_takes_a_person_back(regions, policy):
    first = roll(f"{ALICE},张三,dibao,371403105201,2020-01-01,", f"{BOB},李四,tekun,371403,2021-05-01,")
    assert recipients_import(text=first).created == 2
    assert recipients_import(text=first).created == 0  # idempotent
    closed = roll(f"{ALICE},张三,dibao,371403105201,2020-01-01,2023-06-30")
    assert recipients_import(text=closed).updated == 1
    back = roll(f"{ALICE},张三,dibao,371403105201,2024-01-01,")
    assert recipients_import(text=back).created == 1
    periods = list(RollPeriod.objects.filter(id_number=ALICE).values_list("valid_from", "valid_to"))
    assert len(periods) == 2 and periods[0][1] is not None and periods[1][1] is None
    assert AuditEvent.objects.filter(action="recipients_imported").count() == 4


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("110105194912310021,张三,dibao,371403105201,2020-01-01,", "id_number"),
        (f"{ALICE},张三,vip,371403105201,2020-01-01,", "category"),
        (f"{ALICE},张三,dibao,379999,2020-01-01,", "region"),
        (f"{ALICE},张三,dibao,371403105201,2020-01-01,2019-01-01", "valid_to"),
        (f"{ALICE},,dibao,371403105201,2020-01-01,", "name"),
    ],
)
def test_a_bad_roll_row_is_named_and_nothing_is_written(regions, policy, line, field):
    good = f"{BOB},李四,tekun,371403,2021-05-01,"
    with pytest.raises(ImportRefused, match=f"Row 3, {field}"):
        recipients_import(text=roll(good, line))
    assert RollPeriod.objects.count() == 0


def test_a_category_a_policy_declares_may_be_on_a_roll(regions, policy):
    import copy
    import json

    from aidflow.policy.services import policy_load
    from tests.factories import DEMO_POLICY_FILE

    content = copy.deepcopy(json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8")))
    content.update(
        code="with-extra",
        extra_categories=[{"code": "martyrs_family", "name": "烈属", "group": "mf"}],
        rules=[rule for rule in content["rules"] if rule["category_group"] != "poverty_registered"],
    )
    with pytest.raises(ImportRefused):
        recipients_import(text=roll(f"{ALICE},张三,martyrs_family,371403,2020-01-01,"))
    policy_load(data=content)
    assert recipients_import(text=roll(f"{ALICE},张三,martyrs_family,371403,2020-01-01,")).created == 1


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig"])
def test_import_commands_read_files_as_chinese_excel_saves_them(regions, policy, tmp_path, capsys, encoding):
    """A register saved by Chinese Excel as CSV is GBK with CRLF and dates like 2016/1/1."""
    hospitals = tmp_path / "hospitals.csv"
    hospitals.write_bytes(HOSPITALS.replace("2016-01-01", "2016/1/1").replace("\n", "\r\n").encode(encoding))
    call_command("import_hospitals", str(hospitals))
    assert "hospitals: 2 created" in capsys.readouterr().out
    assert Hospital.objects.get(code="H002").name == "陵城区人民医院"
    assert str(Hospital.objects.get(code="H001").designated_from) == "2016-01-01"
    rolls = tmp_path / "rolls.csv"
    rolls.write_bytes(roll(f"{ALICE},张三,dibao,371403105201,2020年1月1日,").encode(encoding))
    call_command("import_recipients", str(rolls))
    assert RollPeriod.objects.get(id_number=ALICE).name == "张三"


def test_an_xlsx_roll_imports_and_a_bad_row_names_row_and_column(regions, policy, tmp_path):
    import datetime

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["id_number", "name", "category", "region", "valid_from", "valid_to"])
    sheet.append([ALICE, "张三", "dibao", "371403105201", datetime.date(2020, 1, 1), None])
    sheet.append([])
    sheet.append([BOB, "李四", "tekun", 371403, datetime.datetime(2021, 5, 1), "2021/4/1"])
    path = tmp_path / "rolls.xlsx"
    workbook.save(path)
    with pytest.raises(CommandError, match="Row 4, valid_to"):
        call_command("import_recipients", str(path))
    assert RollPeriod.objects.count() == 0
    sheet.cell(row=4, column=6).value = None
    workbook.save(path)
    call_command("import_recipients", str(path))
    assert dict(RollPeriod.objects.values_list("id_number", "region")) == {ALICE: "371403105201", BOB: "371403"}
