"""The calculator: the interface example, every reason code, boundaries, invalid input, properties."""

import copy
import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from aidflow.cases.services.calculation import aid_calculate
from aidflow.core.errors import InputErrors
from aidflow.core.fields import round_money
from aidflow.policy.calculator import calculate
from aidflow.policy.requests import History, PolicyTerms, Rule, parse_request
from tests.idnumbers import resident_id

TODAY = datetime.date(2026, 11, 22)
DEZHOU = PolicyTerms(
    code="dezhou-2015-69",
    low_income_multiplier=Decimal("1.3"),
    dibao_standard={"rural": Decimal("400.00"), "urban": Decimal("600.00")},
    rules={
        ("key_recipient", "hospitalization"): Rule(Decimal("0.70"), Decimal("0"), Decimal("10000")),
        ("key_recipient", "major_disease"): Rule(Decimal("0.70"), Decimal("0"), Decimal("20000")),
        ("low_income", "major_disease"): Rule(Decimal("0.20"), Decimal("12000"), Decimal("10000")),
    },
)

EXAMPLE = {
    "region": "371402001201",
    "filing_date": "2026-03-10",
    "category": "low_income",
    "aid_type": "major_disease",
    "patient": {"id_number": "11010519491231002X", "severely_disabled": False, "seriously_ill": True},
    "household": {"size": 3, "monthly_income": "1200.00", "residence": "rural"},
    "stays": [
        {
            "hospital": "德州市人民医院",
            "hospital_level": 3,
            "admission_date": "2026-01-05",
            "discharge_date": "2026-01-20",
            "total_cost": "60000.00",
            "eligible_cost": "52000.00",
            "basic_insurance": "30000.00",
            "serious_illness_insurance": "5000.00",
            "other_insurance": "0.00",
            "charity": "0.00",
        }
    ],
    "history": {"remaining_before": "0.00", "granted_before": "0.00"},
}
EXAMPLE_RESULT = {
    "eligible": True,
    "amount": "1000.00",
    "medical_year": 2026,
    "remaining": "17000.00",
    "deductible_left": "12000.00",
    "granted_before": "0.00",
    "policy": {
        "code": "dezhou-2015-69",
        "category_group": "low_income",
        "aid_type": "major_disease",
        "rate": "0.20",
        "deductible": "12000.00",
        "annual_cap": "10000.00",
    },
    "stays": [{"index": 0, "remaining": "17000.00", "in_window": True}],
    "reasons": [],
}


def request(**changes):
    """The interface example with changes; nested keys as 'household__size'."""
    data = copy.deepcopy(EXAMPLE)
    for key, value in changes.items():
        target = data
        *path, last = key.split("__")
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[last]
        else:
            target[last] = value
    return data


DELETE = object()


def run(data, terms=DEZHOU, history=None):
    parsed = parse_request(data, today=TODAY)
    return calculate(parsed, terms, history or parsed.history or History()).as_json()


def codes(result):
    return [reason["code"] for reason in result["reasons"]]


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
    assert result == EXAMPLE_RESULT


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
def test_service_picks_policy_and_checks_region(regions):
    from aidflow.policy.services import policy_load
    from tests.policy.test_policy_versions import shipped

    policy_load(data=shipped())
    assert aid_calculate(data=request(region="371403105201"), today=TODAY)["amount"] == "1000.00"
    # A village the table does not list is accepted when its township is known.
    assert aid_calculate(data=request(region="371403105299"), today=TODAY)["amount"] == "1000.00"
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


# --- time window boundaries ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discharge", "filing", "in_window"),
    [
        ("2025-09-30", "2026-03-31", False),
        ("2025-10-01", "2026-03-31", True),
        ("2025-10-01", "2026-04-01", False),
        ("2025-12-31", "2026-01-01", True),
        ("2026-01-01", "2026-11-20", True),
        ("2024-12-31", "2026-01-15", False),
    ],
)
def test_time_window(discharge, filing, in_window):
    data = request(filing_date=filing, stays__0__admission_date=discharge, stays__0__discharge_date=discharge)
    result = run(data)
    assert result["stays"][0]["in_window"] is in_window
    if in_window:
        assert result["medical_year"] == int(discharge[:4])


def test_stays_of_two_medical_years_must_be_filed_separately():
    data = request(filing_date="2026-02-01")
    data["stays"] = [
        dict(EXAMPLE["stays"][0], admission_date="2025-11-01", discharge_date="2025-11-10"),
        dict(EXAMPLE["stays"][0], admission_date="2026-01-05", discharge_date="2026-01-20"),
    ]
    with pytest.raises(InputErrors) as caught:
        parse_request(data, today=TODAY)
    assert "two medical years" in caught.value.errors["stays"][0]


def test_several_stays_add_up():
    data = request()
    data["stays"].append(dict(EXAMPLE["stays"][0], admission_date="2026-02-01", discharge_date="2026-02-10"))
    result = run(data)
    # remaining 34000; base 22000; 20% = 4400.
    assert (result["remaining"], result["amount"]) == ("34000.00", "4400.00")
    assert result["explanation"][0].startswith("第1次住院（德州市人民医院")


# --- rounding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("basic", "amount"),
    [
        ("29999.97", "1000.01"),  # 5000.03 x 0.20 = 1000.006 -> 1000.01
        ("29999.98", "1000.00"),  # 5000.02 x 0.20 = 1000.004 -> 1000.00
    ],
)
def test_rounding_half_up_once_at_the_end(basic, amount):
    assert run(request(stays__0__basic_insurance=basic))["amount"] == amount


def test_rounding_at_exactly_half_a_cent():
    terms = PolicyTerms(
        code="t",
        low_income_multiplier=Decimal("1.3"),
        dibao_standard=DEZHOU.dibao_standard,
        rules={("key_recipient", "hospitalization"): Rule(Decimal("0.7"), Decimal("0"), Decimal("10000"))},
    )
    # remaining 0.05 x 0.7 = 0.035 -> 0.04 (half-up; banker's rounding would give 0.04 too), and
    # remaining 0.15 x 0.7 = 0.105 -> 0.11 (banker's rounding would give 0.10).
    data = request(category="dibao", aid_type="hospitalization", stays__0__eligible_cost="35000.15")
    assert run(data, terms=terms)["amount"] == "0.11"


# --- invalid input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"patient__id_number": "110105194912310021"}, "patient.id_number"),
        ({"stays__0__charity": "-1.00"}, "stays[0].charity"),
        ({"stays__0__eligible_cost": "60000.01"}, "stays[0].eligible_cost"),
        ({"stays__0__basic_insurance": "56000.00"}, "stays[0].basic_insurance"),
        ({"stays__0__admission_date": "2026-01-21"}, "stays[0].admission_date"),
        ({"stays__0__discharge_date": "2026-03-11"}, "stays[0].discharge_date"),
        ({"stays__0__total_cost": "1.234"}, "stays[0].total_cost"),
        ({"stays__0__total_cost": "abc"}, "stays[0].total_cost"),
        ({"stays__0__hospital_level": 4}, "stays[0].hospital_level"),
        ({"stays__0__hospital": DELETE}, "stays[0].hospital"),
        ({"region": "37x"}, "region"),
        ({"category": "vip"}, "category"),
        ({"aid_type": "dental"}, "aid_type"),
        ({"household__size": 0}, "household.size"),
        ({"household__residence": "suburb"}, "household.residence"),
        ({"household__monthly_income": "-1"}, "household.monthly_income"),
        ({"filing_date": "2026-13-01"}, "filing_date"),
        ({"filing_date": "2026-11-23"}, "filing_date"),
        ({"stays": []}, "stays"),
        ({"stays": "many"}, "stays"),
        ({"patient": DELETE}, "patient"),
        ({"history": {"remaining_before": "-1", "granted_before": "0"}}, "history.remaining_before"),
        ({"patient__seriously_ill": "yes"}, "patient.seriously_ill"),
    ],
)
def test_invalid_input_is_refused_naming_the_field(changes, field):
    with pytest.raises(InputErrors) as caught:
        parse_request(request(**changes), today=TODAY)
    assert field in caught.value.errors, caught.value.errors


def test_lowercase_x_in_id_is_accepted():
    assert run(request(patient__id_number="11010519491231002x"))["amount"] == "1000.00"


def test_history_is_optional():
    assert run(request(history=DELETE))["amount"] == "1000.00"


# --- properties -------------------------------------------------------------------------------------

money = st.decimals(min_value=0, max_value=200000, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=Decimal("0.01"), max_value=1, places=2)


def property_result(remaining, rate, deductible, cap, remaining_before, granted_before):
    terms = PolicyTerms(
        code="p",
        low_income_multiplier=Decimal("1.3"),
        dibao_standard=DEZHOU.dibao_standard,
        rules={("low_income", "major_disease"): Rule(rate, deductible, cap)},
    )
    data = request(
        stays__0__total_cost=str(remaining),
        stays__0__eligible_cost=str(remaining),
        stays__0__basic_insurance="0.00",
        stays__0__serious_illness_insurance="0.00",
        history={"remaining_before": str(remaining_before), "granted_before": str(granted_before)},
    )
    return Decimal(run(data, terms=terms)["amount"])


@settings(max_examples=200, deadline=None)
@given(
    remaining=money,
    rate=rates,
    deductible=money,
    cap=money.filter(lambda value: value > 0),
    remaining_before=money,
    granted_before=money,
)
def test_amount_bounds(remaining, rate, deductible, cap, remaining_before, granted_before):
    amount = property_result(remaining, rate, deductible, cap, remaining_before, granted_before)
    assert amount >= 0
    assert amount <= max(Decimal(0), cap - granted_before)
    # Never above rate x remaining, in money (both rounded half-up to the cent).
    assert amount <= round_money(rate * remaining)


@settings(max_examples=200, deadline=None)
@given(
    remaining=money,
    extra=money,
    rate=rates,
    deductible=money,
    cap=money.filter(lambda value: value > 0),
    remaining_before=money,
    granted_before=money,
)
def test_amount_never_decreases_when_remaining_grows(
    remaining, extra, rate, deductible, cap, remaining_before, granted_before
):
    smaller = property_result(remaining, rate, deductible, cap, remaining_before, granted_before)
    larger = property_result(remaining + extra, rate, deductible, cap, remaining_before, granted_before)
    assert larger >= smaller
