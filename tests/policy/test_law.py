"""The law corrections in the calculator and the policy file: validity, insured status, the
major-disease gate, county-defined categories and the demo flag (POLICY sections 1-3, INTERFACES
sections 3-4)."""

import copy
import dataclasses
import datetime
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidflow.cases.services.calculation import aid_calculate
from aidflow.core.errors import InputErrors
from aidflow.policy.calculator import calculate
from aidflow.policy.requests import History, Rule, parse_request
from aidflow.policy.services import policy_load
from tests.factories import DEMO_POLICY_FILE, POLICY_FILE, calculation_request, import_hospitals, stay_dates
from tests.policy.calculator_cases import DEZHOU

pytestmark = pytest.mark.django_db

TERMS = DEZHOU


def result_of(terms=TERMS, **changes):
    data = calculation_request(**changes)
    return calculate(parse_request(data, today=datetime.date.today()), terms, History()).as_json()


def codes(result) -> list[str]:
    return [reason["code"] for reason in result["reasons"]]


def with_patient(**fields):
    data = calculation_request()
    return {**data["patient"], **fields}


def test_the_shipped_text_ends_on_2020_10_28(regions):
    """德民〔2015〕69号's last line: valid until 2020-10-28. A filing after that has no policy."""
    content = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    assert (content["effective_from"], content["effective_to"]) == ("2015-10-28", "2020-10-28")
    policy_load(data=content)
    result = aid_calculate(data=calculation_request())
    assert result["eligible"] is False and codes(result) == ["NO_POLICY"]
    assert result["amount"] == "0.00"


def test_a_filing_within_the_validity_uses_the_text(regions):
    import_hospitals()  # only designated hospitals' stays count (seed 002 line ~1772)
    policy_load(data=json.loads(POLICY_FILE.read_text(encoding="utf-8")))
    admission, discharge = datetime.date(2019, 5, 2), datetime.date(2019, 5, 20)
    stay = {**calculation_request()["stays"][0], "admission_date": str(admission), "discharge_date": str(discharge)}
    result = aid_calculate(data=calculation_request(filing_date="2019-06-01", stays=[stay]))
    assert result["policy"]["code"] == "dezhou-2015-69" and "demo" not in result["policy"]
    assert result["amount"] == "1000.00"


def test_the_demo_stand_in_is_flagged_on_every_calculation(policy):
    assert policy.demo is True
    result = aid_calculate(data=calculation_request())
    assert result["policy"]["code"] == "dezhou-demo-continued" and result["policy"]["demo"] is True
    assert result["explanation"][0].startswith("演示政策")
    assert result["amount"] == "1000.00"


def test_uninsured_low_income_person_is_not_eligible():
    result = result_of(patient=with_patient(insured=False))
    assert result["eligible"] is False and codes(result) == ["NOT_INSURED"]
    assert any("未参保" in line for line in result["explanation"])


def test_uninsured_key_recipient_without_a_county_rule_gets_rule_not_configured():
    result = result_of(category="dibao", aid_type="hospitalization", patient=with_patient(insured=False))
    assert result["eligible"] is False and codes(result) == ["RULE_NOT_CONFIGURED"]


def test_the_county_rule_for_the_uninsured_applies_to_them_only():
    uninsured_rule = Rule(Decimal("0.10"), Decimal("12000"), Decimal("5000"))
    terms = dataclasses.replace(TERMS, uninsured_rules={("low_income", "major_disease"): uninsured_rule})
    uninsured = result_of(terms, patient=with_patient(insured=False))
    assert (uninsured["eligible"], uninsured["amount"], uninsured["policy"]["rate"]) == (True, "500.00", "0.10")
    assert any("未参保人员" in line for line in uninsured["explanation"])
    assert result_of(terms)["amount"] == "1000.00"  # the insured keep the ordinary rule


def test_major_disease_aid_needs_serious_illness_insurance_on_a_counted_stay():
    stay = {**calculation_request()["stays"][0], "serious_illness_insurance": "0.00"}
    result = result_of(stays=[stay])
    assert result["eligible"] is False and "NO_SERIOUS_ILLNESS_INSURANCE" in codes(result)
    assert result["amount"] == "0.00"
    # Hospitalization aid has no such gate.
    assert "NO_SERIOUS_ILLNESS_INSURANCE" not in codes(
        result_of(category="dibao", aid_type="hospitalization", stays=[stay])
    )


@settings(max_examples=60, deadline=None)
@given(serious=st.decimals(min_value=0, max_value=5000, places=2), insured=st.booleans())
def test_gates_never_raise_an_amount(serious, insured):
    """Whatever the insurance facts, the amount is never above the ordinary insured amount."""
    stay = {**calculation_request()["stays"][0], "serious_illness_insurance": str(serious)}
    gated = result_of(stays=[stay], patient=with_patient(insured=insured))
    ordinary = result_of(stays=[{**stay, "serious_illness_insurance": str(serious)}])
    assert Decimal(gated["amount"]) <= Decimal(ordinary["amount"])
    if serious == 0:
        assert gated["eligible"] is False


def county_policy_with_extra_category(demo_content: dict) -> dict:
    content = copy.deepcopy(demo_content)
    content["code"] = "lingcheng-extra"
    content["region"] = "371403"
    content["authorities"] = {"371403": content["authorities"]["371403"]}
    content["extra_categories"] = [
        {"code": "poverty_registered", "name": "建档立卡贫困人口", "group": "poverty_registered"}
    ]
    # The county's own figure in place of the demo's.
    content["rules"] = [rule for rule in content["rules"] if rule["category_group"] != "poverty_registered"]
    content["rules"].append(
        {
            "category_group": "poverty_registered",
            "aid_type": "hospitalization",
            "rate": "0.80",
            "deductible": "0",
            "annual_cap": "15000",
            "basis": "四、（一）3.",
        }
    )
    return content


def test_a_county_defined_category_is_policy_data_not_code(policy):
    demo = json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8"))
    version, _created = policy_load(data=county_policy_with_extra_category(demo))
    assert version.extra_categories[0]["code"] == "poverty_registered"
    result = aid_calculate(data=calculation_request(category="poverty_registered", aid_type="hospitalization"))
    # 80% of the remaining 17000, no income test, no condition test.
    assert (result["eligible"], result["amount"], result["policy"]["category_group"]) == (
        True,
        "13600.00",
        "poverty_registered",
    )
    assert any("建档立卡贫困人口" in line for line in result["explanation"])


def test_a_category_no_applicable_version_declares_is_invalid_input(policy):
    # The demo policy declares the registered poor; no shipped version declares this one.
    with pytest.raises(InputErrors) as caught:
        aid_calculate(data=calculation_request(category="martyrs_family", aid_type="hospitalization"))
    assert list(caught.value.errors) == ["category"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"extra_categories": [{"code": "dibao", "name": "重复", "group": "x_group"}]}, "extra_categories[0].code"),
        ({"extra_categories": [{"code": "Bad Code", "name": "坏", "group": "g1"}]}, "extra_categories[0].code"),
        ({"extra_categories": "poverty"}, "extra_categories"),
        (
            {
                "rules": [
                    {
                        "category_group": "undeclared",
                        "aid_type": "hospitalization",
                        "rate": "0.5",
                        "deductible": "0",
                        "annual_cap": "100",
                    }
                ]
            },
            "rules[0].category_group",
        ),
        (
            {
                "rules": [
                    {
                        "category_group": "low_income",
                        "aid_type": "hospitalization",
                        "rate": "0.5",
                        "deductible": "0",
                        "annual_cap": "100",
                        "insured": "no",
                    }
                ]
            },
            "rules[0].insured",
        ),
        ({"demo": "yes"}, "demo"),
    ],
)
def test_policy_file_errors_name_the_field(regions, change, field):
    content = {**json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8")), **change}
    with pytest.raises(InputErrors) as caught:
        policy_load(data=content)
    assert field in caught.value.errors


def test_an_uninsured_rule_and_an_insured_rule_may_stand_side_by_side(regions):
    content = json.loads(DEMO_POLICY_FILE.read_text(encoding="utf-8"))
    content["code"] = "with-uninsured"
    content["rules"].append(
        {
            "category_group": "low_income",
            "aid_type": "major_disease",
            "insured": False,
            "rate": "0.10",
            "deductible": "12000",
            "annual_cap": "5000",
        }
    )
    version, _created = policy_load(data=content)
    # The demo's three rules, its two demo rules for the registered poor, and the uninsured rule.
    assert sorted(version.rules.values_list("insured", flat=True)) == [False, True, True, True, True, True]


def test_icd10_codes_are_format_checked():
    good = {**calculation_request()["stays"][0], "diagnosis": "肺恶性肿瘤", "icd10": "C34.900x001"}
    assert parse_request(calculation_request(stays=[good]), today=datetime.date.today()).stays[0].icd10 == "C34.900x001"
    for bad in ("C3.4", "C349", "c34.9", "C34.123456789"):
        with pytest.raises(InputErrors) as caught:
            parse_request(calculation_request(stays=[{**good, "icd10": bad}]), today=datetime.date.today())
        assert "stays[0].icd10" in caught.value.errors


def test_stay_dates_are_relative_to_today():
    admission, discharge = stay_dates()
    assert admission <= discharge <= datetime.date.today()
