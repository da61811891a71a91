"""The calculator: the interface example through the command and the service, every reason code."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from aidflow.cases.services.calculation import aid_calculate
from aidflow.core.errors import InputErrors
from tests.idnumbers import resident_id
from tests.policy.calculator_cases import DEMO_EXAMPLE_RESULT, EXAMPLE, EXAMPLE_RESULT, TODAY, codes, request, run


def test_interface_example():
    result = run(request())
    explanation = result.pop("explanation")
    assert result == EXAMPLE_RESULT
    assert explanation[0] == "合规费用 52000.00 - 基本医保 30000.00 - 大病保险 5000.00 = 17000.00"
    assert explanation[-1] == "救助金额 = min(封顶线剩余 10000.00，5000.00 × 20% = 1000.00) = 1000.00 元"


@pytest.mark.django_db
def test_calculate_aid_command_reproduces_the_example(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(json.dumps(EXAMPLE, ensure_ascii=False)))
        call_command("calculate_aid")
    result = json.loads(capsys.readouterr().out)
    result.pop("explanation")
    assert result == DEMO_EXAMPLE_RESULT


@pytest.mark.django_db
def test_calculate_aid_command_exits_2_naming_each_bad_field(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    bad = request(category="vip", household__size=0, stays__0__charity="-5.00")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(json.dumps(bad)))
        with pytest.raises(SystemExit) as caught:
            call_command("calculate_aid")
    assert caught.value.code == 2
    body = json.loads(capsys.readouterr().out)
    assert set(body["errors"]) == {"category", "household.size", "stays[0].charity"}
    assert body["detail"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO("{broken"))
        with pytest.raises(SystemExit):
            call_command("calculate_aid")
    assert "body" in json.loads(capsys.readouterr().out)["errors"]


@pytest.mark.django_db
def test_not_eligible_still_exits_0(capsys):
    call_command("seed_demo")
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdin", io.StringIO(json.dumps(request(household__monthly_income="9000.00"))))
        call_command("calculate_aid")
    result = json.loads(capsys.readouterr().out)
    assert result["eligible"] is False and codes(result) == ["INCOME_ABOVE_LIMIT"]


@pytest.mark.django_db
def test_service_picks_policy_and_checks_region(policy):
    # A 陵城区 village's stay at the county's own designated hospital (德州市人民医院 in 德城区 would need a
    # referral on file, INTERFACES section 11).
    local = {"stays__0__hospital": "陵城区人民医院", "stays__0__hospital_level": 2}
    assert aid_calculate(data=request(region="371403105201", **local), today=TODAY)["amount"] == "1000.00"
    # A village the table does not list is accepted when its township is known.
    assert aid_calculate(data=request(region="371403105299", **local), today=TODAY)["amount"] == "1000.00"
    with pytest.raises(InputErrors) as caught:
        aid_calculate(data=request(region="371499001201"), today=TODAY)
    assert "Unknown region" in caught.value.errors["region"][0]
    # Outside every policy's region: a result, not an error.
    result = aid_calculate(
        data=request(
            region="371402001201",
            filing_date="2015-01-05",
            stays__0__admission_date="2015-01-01",
            stays__0__discharge_date="2015-01-02",
        ),
        today=TODAY,
    )
    assert result["eligible"] is False and codes(result) == ["NO_POLICY"] and result["policy"] is None


# --- every reason code -------------------------------------------------------------------------


def test_no_policy():
    result = run(request(), terms=None)
    assert (result["eligible"], result["amount"], codes(result)) == (False, "0.00", ["NO_POLICY"])


def test_rule_not_configured_for_low_income_hospitalization():
    result = run(request(aid_type="hospitalization"))
    assert (result["eligible"], result["amount"], codes(result)) == (False, "0.00", ["RULE_NOT_CONFIGURED"])
    assert result["policy"]["rate"] is None


def test_outpatient_not_configured_for_key_recipients_either():
    result = run(request(category="dibao", aid_type="outpatient"))
    assert codes(result) == ["RULE_NOT_CONFIGURED"] and result["eligible"] is False


def test_income_above_limit():
    result = run(request(household__monthly_income="1560.01"))
    assert (result["eligible"], codes(result)) == (False, ["INCOME_ABOVE_LIMIT"])


def test_income_exactly_at_the_limit_qualifies():
    # 3 x 1.3 x 400 = 1560.00: per-capita exactly 520.00.
    assert run(request(household__monthly_income="1560.00"))["eligible"] is True


def test_urban_standard_is_used_for_urban_households():
    assert run(request(household__monthly_income="2340.00", household__residence="urban"))["eligible"] is True
    assert codes(run(request(household__monthly_income="2340.01", household__residence="urban"))) == [
        "INCOME_ABOVE_LIMIT"
    ]


def test_no_qualifying_condition():
    adult = resident_id(datetime.date(1980, 6, 1))
    result = run(request(patient__id_number=adult, patient__seriously_ill=False))
    assert (result["eligible"], codes(result)) == (False, ["NO_QUALIFYING_CONDITION"])


@pytest.mark.parametrize(
    ("birth", "disabled", "ill", "eligible"),
    [
        (datetime.date(1966, 3, 10), False, False, True),  # turns 60 on the filing date
        (datetime.date(1966, 3, 11), False, False, False),  # turns 60 one day later
        (datetime.date(2008, 3, 11), False, False, True),  # still 17 on the filing date
        (datetime.date(2008, 3, 10), False, False, False),  # turns 18 on the filing date
        (datetime.date(1980, 1, 1), True, False, True),  # severely disabled
        (datetime.date(1980, 1, 1), False, True, True),  # seriously ill
    ],
)
def test_qualifying_conditions_on_the_filing_date(birth, disabled, ill, eligible):
    data = request(
        patient__id_number=resident_id(birth), patient__severely_disabled=disabled, patient__seriously_ill=ill
    )
    assert run(data)["eligible"] is eligible


def test_key_recipients_need_no_income_test_or_condition():
    adult = resident_id(datetime.date(1980, 6, 1))
    result = run(
        request(
            category="dibao",
            aid_type="hospitalization",
            household__monthly_income="99999.00",
            patient__id_number=adult,
            patient__seriously_ill=False,
        )
    )
    # 70% of 17000 = 11900, capped at 10000.
    assert (result["eligible"], result["amount"], codes(result)) == (True, "10000.00", ["CAP_REACHED"])


def test_expense_out_of_window_excludes_one_stay_and_keeps_the_other():
    old = dict(EXAMPLE["stays"][0], admission_date="2025-06-01", discharge_date="2025-06-10")
    data = request()
    data["stays"].append(old)
    result = run(data)
    assert result["eligible"] is True and codes(result) == ["EXPENSE_OUT_OF_WINDOW"]
    assert [stay["in_window"] for stay in result["stays"]] == [True, False]
    assert result["remaining"] == "17000.00" and result["amount"] == "1000.00"


def test_every_stay_out_of_window_is_not_eligible():
    result = run(request(stays__0__admission_date="2025-06-01", stays__0__discharge_date="2025-06-10"))
    assert (result["eligible"], result["amount"], codes(result)) == (False, "0.00", ["EXPENSE_OUT_OF_WINDOW"])
    assert result["medical_year"] == 2026


def test_below_deductible():
    result = run(request(stays__0__basic_insurance="36000.00"))  # remaining 11000 < 12000
    assert (result["eligible"], result["amount"], codes(result)) == (True, "0.00", ["BELOW_DEDUCTIBLE"])


def test_cap_reached_by_history():
    result = run(request(history={"remaining_before": "20000.00", "granted_before": "9500.00"}))
    # Deductible already used up: 20% of 17000 = 3400, but only 500 of the cap is left.
    assert (result["amount"], codes(result), result["deductible_left"]) == ("500.00", ["CAP_REACHED"], "0.00")


def test_cap_fully_used():
    result = run(request(history={"remaining_before": "20000.00", "granted_before": "10000.00"}))
    assert (result["eligible"], result["amount"], codes(result)) == (True, "0.00", ["CAP_REACHED"])


def test_nothing_remaining():
    result = run(request(stays__0__basic_insurance="47000.00"))
    assert (result["eligible"], result["amount"], codes(result)) == (True, "0.00", ["NOTHING_REMAINING"])
    assert result["remaining"] == "0.00"


def test_history_uses_up_part_of_the_deductible():
    result = run(request(history={"remaining_before": "8000.00", "granted_before": "0.00"}))
    # deductible_left = 12000 - 8000 = 4000; base = 17000 - 4000 = 13000; 20% = 2600.
    assert (result["deductible_left"], result["amount"]) == ("4000.00", "2600.00")
