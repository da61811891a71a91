"""The label table (aidflow.core.labels): every choice of every model is in it under the same name,
every calculation reason and warning and every statistics check has a Chinese name, field paths and
audit details read as Chinese, and an unknown code is logged and shown as 未列明的代码, never raw."""

from __future__ import annotations

import logging

import pytest
from django.utils import translation

from aidflow.cases import choices as case_choices
from aidflow.core import labels
from aidflow.core.labels.codes import KINDS, ROLL_ONLY_CATEGORIES
from aidflow.core.labels.icd10 import CHAPTERS
from aidflow.payments.models import BatchStatus, LineKind, LineStatus
from aidflow.policy.models import AidType, Category, CategoryGroup, ReasonCode, WarningCode
from aidflow.regions.models import Role
from aidflow.regions.stages import Stage
from aidflow.reports.statistics import BREAKDOWNS, figures_check
from aidflow.settlements.models import ClaimStatus, RefusalCode, SettlementStatus
from workflows.models import Route

# Each kind of the table and the model choices it must name, code by code, as the choices do.
CHOICES = {
    "category": Category,
    "category_group": CategoryGroup,
    "aid_type": AidType,
    "task_route": Route,
    "stage": Stage,
    "status": case_choices.Status,
    "stage_action": case_choices.StageAction,
    "document": case_choices.DocumentKind,
    "notice": case_choices.NoticeKind,
    "delivery": case_choices.DeliveryMethod,
    "relationship": case_choices.ApplicantRelationship,
    "residence": case_choices.Residence,
    "sex": case_choices.Sex,
    "settlement_status": SettlementStatus,
    "claim_status": ClaimStatus,
    "refusal": RefusalCode,
    "line_status": LineStatus,
    "line_kind": LineKind,
    "batch_status": BatchStatus,
    "notification": case_choices.NotificationKind,
    "role": Role,
}


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize("kind", sorted(CHOICES))
def test_every_choice_is_in_the_table_under_its_own_name(kind):
    choices = CHOICES[kind]
    # The table also names the roll kinds that are no built-in category (the registered poor).
    roll_only = set(ROLL_ONLY_CATEGORIES) if kind == "category" else set()
    assert set(KINDS[kind]) - roll_only == set(choices.values)
    for value, name in choices.choices:
        assert labels.label(kind, value) == str(name)


def test_batch_statuses_and_every_reason_warning_and_check_have_chinese_names():
    for code in [*ReasonCode.values, *WarningCode.values]:
        kind = "reason" if code in ReasonCode.values else "warning"
        assert not labels.label(kind, code).isascii(), code
    figures = {"totals": {}, **{name: {} for name in BREAKDOWNS}}
    block = {
        "persons": 0,
        "person_times": 0,
        **dict.fromkeys(
            ("total_cost", "eligible_cost", "basic_insurance", "serious_illness_insurance", "other_payments", "aid"),
            "0.00",
        ),
    }
    figures["totals"] = block
    for check in figures_check(figures):
        named = labels.label("check", check["code"])
        assert named != "未列明的代码" and not named.isascii(), check["code"]
    assert labels.label("check", "AID_WITHIN_ELIGIBLE") == "救助金额不超过合规费用"
    assert labels.label("check", "SUM_BY_COUNTY") == "按县（市、区）：各组之和等于合计"
    assert labels.label("reason", "NOT_ON_ROLL") == "出院时不在救助对象名册上"
    assert labels.label("category", "dibao") == "低保对象"


def test_field_paths_read_as_chinese():
    assert labels.field_label("stays[0].discharge_date") == "第 1 次住院 · 出院日期"
    assert labels.field_label("stays[2].basic_insurance") == "第 3 次住院 · 基本医保报销"
    assert labels.field_label("patient.id_number") == "患者 · 身份证号"
    assert labels.field_label("household.members[1].monthly_income") == "家庭情况 · 家庭成员 2 · 家庭人均月收入"


def test_icd10_chapters_by_letter():
    assert len(CHAPTERS) == 22
    assert labels.label("chapter", "A") == "A00-A99 某些传染病和寄生虫病"
    assert labels.label("chapter", "C") == "C00-C99 肿瘤"
    # D holds the end of the neoplasms and the blood chapter; H the eye and the ear.
    assert labels.label("chapter", "D") == "D00-D48 肿瘤；D50-D89 血液及造血器官疾病和某些涉及免疫机制的疾患"
    assert labels.label("chapter", "H").count("；") == 1
    assert labels.label("chapter", "Z").endswith("影响健康状态和与保健机构接触的因素")


def test_audit_details_name_keys_and_coded_values():
    details = {
        "category": "dibao",
        "aid_type": "major_disease",
        "warnings": ["INSURANCE_IMPLAUSIBLE"],
        "facts": {"decision": "forward", "method": "in_person", "findings": "情况属实"},
        "changed": {"stage": ["village_check", "township_review"]},
        "eligible": True,
        "notice": None,
        "permission": "regions.check_village",
        "discharge_date": "2026-11-08",
    }
    lines = labels.detail_lines(details)
    assert lines == [
        "救助对象类别: 低保对象",
        "救助类型: 重特大疾病医疗救助",
        "核实提示: 基本医保报销明显偏低",
        "事实 · 决定: 报送上级",
        "事实 · 送达方式: 直接送达",
        "事实 · 核查意见: 情况属实",
        "变更 · 环节: 村级核查 → 乡镇审核",
        "符合救助条件: 是",
        "文书: —",
        "权限: 村级核查",
        "出院日期: 2026-11-08",
    ]


def _list_names() -> set[str]:
    """Every list name the code records reads of (`list_name="..."`)."""
    import re
    from pathlib import Path

    root = Path(labels.__file__).resolve().parents[2]
    found = set()
    for path in root.rglob("*.py"):
        found |= set(re.findall(r'list_name="([a-z_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_list_whose_reads_are_audited_and_the_supplement_note_have_names(caplog):
    """The audit log named a read of the payment report "未列明的代码" and showed "inbox" as it is."""
    names = _list_names()
    assert {"inbox", "payment_report", "payment_batch"} <= names
    with caplog.at_level(logging.WARNING, logger="aidflow.labels"):
        for name in names:
            line = labels.detail_lines({"list": name})[0]
            assert line.startswith("列表: ") and name not in line and "未列明的代码" not in line, line
        assert labels.detail_lines({"list": "payment_report", "note": "已补充材料"}) == [
            "列表: 发放月报",
            "备注: 已补充材料",
        ]
    assert not caplog.records


def test_an_unknown_code_is_logged_once_and_never_shown_raw(caplog):
    with caplog.at_level(logging.WARNING, logger="aidflow.labels"):
        assert labels.label("category", "moon_dweller") == "未列明的代码"
        assert labels.label("category", "moon_dweller") == "未列明的代码"
        assert labels.value_label("whatever", "SOME_NEW_CODE") == "未列明的代码"
        assert labels.detail_key("brand_new_key") == "未列明的代码"
    logged = [record.getMessage() for record in caplog.records]
    assert sum("moon_dweller" in message for message in logged) == 1
    assert any("SOME_NEW_CODE" in message for message in logged)
    # Names, numbers and document numbers are values, not codes: they pass through.
    assert labels.value_label("recipient", "孙德明") == "孙德明"
    assert labels.value_label("number", "371403-2026-00001") == "371403-2026-00001"
    assert labels.label("category", "") == ""
    with pytest.raises(KeyError):
        labels.label("no_such_kind", "x")


@pytest.mark.django_db
def test_region_codes_are_named_by_the_regions_table(regions):
    assert labels.region_name("371403") == "陵城区"
    assert labels.region_names(["371403", "371426", "999999"]) == {"371403": "陵城区", "371426": "平原县"}
    assert labels.region_name("999999") == "999999"


def test_messages_name_the_field_and_the_accepted_codes():
    from aidflow.core.errors import InputErrors
    from aidflow.core.fields import FieldReader

    error = InputErrors({"stays[0].discharge_date": ["不能早于入院日期。"], "": ["请检查。"]})
    assert error.text() == "第 1 次住院 · 出院日期：不能早于入院日期。 请检查。"
    reader = FieldReader()
    reader.choice({"category": "moon"}, "category", "category", ["dibao", "tekun", "extra"])
    (message,) = reader.errors["category"]
    assert "dibao（低保对象）, tekun（特困人员）, extra" in message
