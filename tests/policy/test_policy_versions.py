"""Policy files: validation naming each field, immutable versions, selection by region prefix and date."""

import copy
import datetime
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aidflow.core.errors import InputErrors
from aidflow.policy.models import PolicyRule, PolicyVersion
from aidflow.policy.services import PolicyConflict, policy_load, policy_parse, policy_select

POLICY_FILE = Path(__file__).resolve().parents[2] / "aidflow" / "policy" / "data" / "dezhou-2015-69.json"


def shipped() -> dict:
    return json.loads(POLICY_FILE.read_text(encoding="utf-8"))


def variant(**changes) -> dict:
    """The shipped file as another version: open-ended unless `effective_to` is given."""
    data = copy.deepcopy(shipped())
    data["effective_to"] = None
    data.update(changes)
    return data


@pytest.mark.django_db
def test_shipped_dezhou_policy_loads(capsys):
    call_command("load_policy", str(POLICY_FILE))
    assert "Loaded policy dezhou-2015-69 (3 rules) for region 3714" in capsys.readouterr().out
    version = PolicyVersion.objects.get(code="dezhou-2015-69")
    rules = {(rule.category_group, rule.aid_type): rule for rule in version.rules.all()}
    assert set(rules) == {
        ("key_recipient", "hospitalization"),
        ("key_recipient", "major_disease"),
        ("low_income", "major_disease"),
    }
    assert str(rules[("low_income", "major_disease")].deductible) == "12000.00"
    assert version.stage_limits == {
        "village_check": {"days": 3, "counting": "natural"},
        "township_review": {"days": 7, "counting": "natural"},
        "county_approval": {"days": 10, "counting": "natural"},
    }
    assert version.content["dibao_standard_is_demo"] is True
    assert "演示" in version.notes
    # An authority for each of the 12 counties in the Dezhou region file.
    assert len(version.content["authorities"]) == 12
    assert version.authority_for("371402001201") == {
        "name": "德州市德城区民政局",
        "notice_prefix": "德城民救",
        "reconsideration_body": "德州市德城区人民政府",
        "court": "德州市德城区人民法院",
    }
    assert version.authority_for("371426102201")["name"] == "平原县民政局"


@pytest.mark.django_db
def test_loading_the_same_file_twice_changes_nothing(capsys):
    call_command("load_policy", str(POLICY_FILE))
    call_command("load_policy", str(POLICY_FILE))
    assert "already loaded with the same content" in capsys.readouterr().out
    assert PolicyVersion.objects.count() == 1 and PolicyRule.objects.count() == 3


@pytest.mark.django_db
def test_same_code_with_other_content_is_refused(tmp_path):
    policy_load(data=shipped())
    changed = shipped()
    changed["rules"][0]["rate"] = "0.80"
    with pytest.raises(PolicyConflict, match="already loaded with different content"):
        policy_load(data=changed)
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="new code"):
        call_command("load_policy", str(path))
    assert str(PolicyVersion.objects.get().rules.get(aid_type="hospitalization").rate) == "0.7000"


def test_equivalent_spelling_is_the_same_content():
    data = shipped()
    respelled = copy.deepcopy(data)
    respelled["rules"][0]["rate"] = "0.7"
    respelled["rules"][0]["annual_cap"] = "10000.00"
    assert policy_parse(data) == policy_parse(respelled)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": "Dezhou 2015"}, "code"),
        ({"title": ""}, "title"),
        ({"region": "37x"}, "region"),
        ({"effective_from": "2015-13-01"}, "effective_from"),
        ({"effective_to": "2015-01-01"}, "effective_to"),
        ({"low_income_multiplier": "-1"}, "low_income_multiplier"),
        ({"dibao_standard_monthly": {"rural": "400.00"}}, "dibao_standard_monthly.urban"),
        ({"dibao_standard_monthly": {"rural": "abc", "urban": "600"}}, "dibao_standard_monthly.rural"),
        ({"stage_limits": {"village_check": {"days": 3, "counting": "natural"}}}, "stage_limits.township_review"),
        (
            {
                "stage_limits": {
                    "village_check": {"days": 0, "counting": "natural"},
                    "township_review": {"days": 7, "counting": "natural"},
                    "county_approval": {"days": 10, "counting": "natural"},
                }
            },
            "stage_limits.village_check.days",
        ),
        (
            {
                "stage_limits": {
                    "village_check": {"days": 3, "counting": "lunar"},
                    "township_review": {"days": 7, "counting": "natural"},
                    "county_approval": {"days": 10, "counting": "natural"},
                }
            },
            "stage_limits.village_check.counting",
        ),
        ({"authority": {"name": "某局"}}, "authority.notice_prefix"),
        (
            {"authorities": {"320102": {"name": "a", "notice_prefix": "b", "reconsideration_body": "c", "court": "d"}}},
            "authorities.320102",
        ),
        ({"effective_form": "2015-10-28"}, "effective_form"),
        ({"rules": "none"}, "rules"),
    ],
)
def test_each_error_names_the_field(changes, field):
    with pytest.raises(InputErrors) as caught:
        policy_parse(variant(**changes))
    assert field in caught.value.errors, caught.value.errors


@pytest.mark.parametrize(
    ("rule_changes", "field"),
    [
        ({"category_group": "vip"}, "rules[0].category_group"),
        ({"aid_type": "dental"}, "rules[0].aid_type"),
        ({"rate": "1.5"}, "rules[0].rate"),
        ({"rate": "0"}, "rules[0].rate"),
        ({"deductible": "-1"}, "rules[0].deductible"),
        ({"annual_cap": "0"}, "rules[0].annual_cap"),
        ({"annual_cap": "100.001"}, "rules[0].annual_cap"),
    ],
)
def test_rule_errors_name_the_rule_and_field(rule_changes, field):
    data = shipped()
    data["rules"][0].update(rule_changes)
    with pytest.raises(InputErrors) as caught:
        policy_parse(data)
    assert field in caught.value.errors


def test_duplicate_rule_is_refused():
    data = shipped()
    data["rules"].append(dict(data["rules"][0]))
    with pytest.raises(InputErrors) as caught:
        policy_parse(data)
    assert "second rule" in caught.value.errors["rules[3]"][0]


@pytest.mark.django_db
def test_a_bad_file_loads_nothing(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(variant(region="37x", title="")), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("load_policy", str(path))
    assert "region:" in str(caught.value) and "title:" in str(caught.value)
    assert not PolicyVersion.objects.exists()
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not a JSON file"):
        call_command("load_policy", str(path))


@pytest.mark.django_db
def test_selection_longest_prefix_then_latest_effective_from():
    policy_load(data=shipped())
    county = {"authorities": {}}
    policy_load(data=variant(code="pingyuan-2020", region="371426", effective_from="2020-01-01", **county))
    policy_load(data=variant(code="pingyuan-2024", region="371426", effective_from="2024-01-01", **county))
    policy_load(
        data=variant(
            code="qiancao-2022", region="371426102", effective_from="2022-01-01", effective_to="2022-12-31", **county
        )
    )
    select = policy_select
    assert select(region_code="371403105201", filing_date=datetime.date(2020, 3, 1)).code == "dezhou-2015-69"
    # The text's own validity ends on 2020-10-28: a later filing in 陵城区 has no policy.
    assert select(region_code="371403105201", filing_date=datetime.date(2020, 10, 28)).code == "dezhou-2015-69"
    assert select(region_code="371403105201", filing_date=datetime.date(2020, 10, 29)) is None
    assert select(region_code="371426102201", filing_date=datetime.date(2021, 6, 1)).code == "pingyuan-2020"
    assert select(region_code="371426102201", filing_date=datetime.date(2026, 3, 1)).code == "pingyuan-2024"
    # The township's own version wins while in force, and its end date is honoured.
    assert select(region_code="371426102201", filing_date=datetime.date(2022, 12, 31)).code == "qiancao-2022"
    assert select(region_code="371426102201", filing_date=datetime.date(2023, 1, 1)).code == "pingyuan-2020"
    assert select(region_code="371426101201", filing_date=datetime.date(2022, 6, 1)).code == "pingyuan-2020"
    # Before any version took effect, and outside the region: none.
    assert select(region_code="371403105201", filing_date=datetime.date(2015, 10, 27)) is None
    assert select(region_code="320102001201", filing_date=datetime.date(2026, 3, 1)) is None


def test_an_installation_that_loaded_the_shipped_files_before_gets_the_hospital_rules(regions):
    """Migration policy.0004: versions loaded before the files carried `hospital_rules` and
    `basic_insurance_rules` get them exactly as loading the corrected files gives them."""
    import importlib

    from django.apps import apps as django_apps

    from aidflow.policy.files import content_hash, policy_parse
    from aidflow.policy.models import PolicyVersion
    from tests.factories import DEMO_POLICY_FILE

    shipped = json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8"))
    old = {key: value for key, value in shipped.items() if key not in ("hospital_rules", "basic_insurance_rules")}
    version, _created = policy_load(data=old)
    assert not version.designated_only
    migration = importlib.import_module("aidflow.policy.migrations.0004_hospital_and_insurance_rules")
    migration.add_rules(django_apps, None)
    version = PolicyVersion.objects.get(pk=version.pk)
    assert version.content == policy_parse(shipped)
    assert version.content_sha256 == content_hash(policy_parse(shipped))
    assert version.designated_only and version.referral_required_outside_county
    # Loading the corrected file again now finds the same version.
    assert policy_load(data=shipped) == (version, False)
