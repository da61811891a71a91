"""The amount in plain words, read from what the real calculator returns: every branch of the formula
(deductible, history, cap, out-of-window stays, no deductible, not eligible) says the same amount."""

from decimal import Decimal

import pytest

from aidflow.policy.plain_words import amount_in_words, income_in_words, stay_in_words, yuan
from aidflow.policy.requests import parse_request
from tests.policy.calculator_cases import EXAMPLE, TODAY, request, run


def words(data):
    result = run(data)
    stays = parse_request(data, today=TODAY).stays
    return result, "".join(amount_in_words(stays=stays, calculation=result))


@pytest.mark.parametrize(
    ("value", "text"),
    [("52000", "52,000元"), ("1234.5", "1,234.50元"), ("0", "0元"), (Decimal("17000.00"), "17,000元"), (None, "0元")],
)
def test_yuan(value, text):
    assert yuan(value) == text


def test_the_interface_example_in_words():
    result, text = words(EXAMPLE)
    assert result["amount"] == "1000.00"
    assert text == (
        "合规费用52,000元，基本医保已报销30,000元、大病保险5,000元，剩余17,000元。"
        "扣除年度起付线12,000元后的5,000元按20%救助，救助金额1,000元。"
    )


def test_two_stays_are_summed():
    second = {**EXAMPLE["stays"][0], "hospital": "陵城区人民医院", "eligible_cost": "9000.00"}
    second.update(basic_insurance="6500.00", serious_illness_insurance="0.00", charity="500.00")
    result, text = words(request(stays=[EXAMPLE["stays"][0], second]))
    assert result["amount"] == "1400.00"
    assert "第1次住院（德州市人民医院）合规费用52,000元" in text
    assert "第2次住院（陵城区人民医院）合规费用9,000元，基本医保已报销6,500元、慈善及社会帮扶500元，剩余2,000元" in text
    assert "两次住院可计入的剩余费用合计19,000元。" in text
    assert text.endswith("扣除年度起付线12,000元后的7,000元按20%救助，救助金额1,400元。")


def test_part_of_the_deductible_used_earlier_in_the_year():
    result, text = words(request(history={"remaining_before": "8000.00", "granted_before": "0.00"}))
    assert result["amount"] == "2600.00"
    assert "本年度此前已扣起付线8,000元，起付线还剩4,000元，扣除后的13,000元按20%救助，救助金额2,600元。" in text


def test_the_deductible_used_up_and_the_cap_reached():
    result, text = words(request(history={"remaining_before": "20000.00", "granted_before": "9000.00"}))
    assert result["amount"] == "1000.00"
    assert "本年度起付线12,000元此前已经扣满，剩余17,000元全部按20%救助" in text
    assert "应为3,400元；但年度封顶线10,000元，本年度已获救助9,000元，只剩1,000元，救助金额1,000元。" in text


def test_a_key_recipient_has_no_deductible_and_meets_the_cap():
    stay = {**EXAMPLE["stays"][0], "eligible_cost": "60000.00", "basic_insurance": "20000.00"}
    result, text = words(request(category="dibao", aid_type="hospitalization", stays=[stay]))
    assert result["amount"] == "10000.00"
    assert "剩余费用35,000元按70%救助，应为24,500元，超过年度封顶线10,000元，救助金额10,000元。" in text
    assert "起付线" not in text


def test_below_the_deductible():
    stay = {**EXAMPLE["stays"][0], "eligible_cost": "40000.00"}
    result, text = words(request(stays=[stay]))
    assert result["amount"] == "0.00"
    assert "剩余费用5,000元未超过年度起付线12,000元，救助金额0元。" in text


def test_a_stay_outside_the_claim_window_does_not_count():
    old = {**EXAMPLE["stays"][0], "admission_date": "2025-05-01", "discharge_date": "2025-05-10"}
    result, text = words(request(stays=[EXAMPLE["stays"][0], old]))
    assert result["amount"] == "1000.00"
    assert "但于2025-05-10出院，已超过救助时限，不计入" in text
    assert "两次住院" not in text and text.endswith("救助金额1,000元。")


def test_not_eligible_says_why():
    result, text = words(request(household__monthly_income="3000.00"))
    assert result["eligible"] is False
    assert text.startswith("合规费用52,000元")
    assert text.endswith("按政策计算不符合救助条件（家庭人均月收入高于低收入人员的收入标准），救助金额0元。")


def test_nothing_paid_is_said_plainly():
    stay = {**EXAMPLE["stays"][0], "basic_insurance": "0.00", "serious_illness_insurance": "0.00"}
    assert stay_in_words(parse_request(request(stays=[stay]), today=TODAY).stays[0]) == (
        "合规费用52,000元，未获任何报销或帮扶，剩余52,000元"
    )


def test_income_in_words():
    assert (
        income_in_words(
            monthly_income=Decimal("1200"),
            size=3,
            residence_name="农村",
            standard=Decimal("400"),
            multiplier=Decimal("1.3"),
        )
        == "家庭月收入1,200元，3口人，人均400元，不高于农村低保标准400元的1.3倍（520元）。"
    )
    assert "高于城市" in income_in_words(
        monthly_income=Decimal("3000"),
        size=2,
        residence_name="城市",
        standard=Decimal("600"),
        multiplier=Decimal("1.3"),
    )


def test_more_than_three_stays_are_summed_in_one_clause():
    stays = [
        {**EXAMPLE["stays"][0], "admission_date": f"2026-0{month}-01", "discharge_date": f"2026-0{month}-05"}
        for month in (1, 2, 3, 4)
    ]
    stays.append({**EXAMPLE["stays"][0], "admission_date": "2025-05-01", "discharge_date": "2025-05-10"})
    result, text = words(request(filing_date="2026-06-10", stays=stays))
    assert result["amount"] == "10000.00"
    assert text.startswith(
        "四次住院（明细见上表）共计合规费用208,000元，基本医保已报销120,000元、大病保险20,000元，剩余68,000元；"
        "第5次住院（德州市人民医院）于2025-05-10出院，已超过救助时限，不计入。"
    )
    assert "第1次住院" not in text and "可计入的剩余费用合计" not in text
    assert text.endswith(
        "扣除年度起付线12,000元后的56,000元按20%救助，应为11,200元，超过年度封顶线10,000元，救助金额10,000元。"
    )


def test_costs_excluded_on_review_and_a_stay_a_gate_leaves_out():
    """The county took 2,000 off the first stay; the second was not at a designated hospital."""
    from aidflow.policy.calculator import calculate
    from aidflow.policy.requests import History, StayGates
    from tests.policy.calculator_cases import DEZHOU

    second = {
        **EXAMPLE["stays"][0],
        "hospital": "某私立医院",
        "admission_date": "2026-02-01",
        "discharge_date": "2026-02-05",
    }
    data = request(stays=[EXAMPLE["stays"][0], second])
    parsed = parse_request(data, today=TODAY)
    gates = StayGates(
        excluded={1: "NOT_DESIGNATED"},
        notes={1: "第2次住院的医院（某私立医院）出院之日不是定点医疗机构，不予计入"},
        cost_exclusions={0: [(Decimal("2000.00"), "自费药品")]},
    )
    result = calculate(parsed, DEZHOU, History(), gates).as_json()
    assert result["amount"] == "600.00"  # (52000 - 2000 - 35000 - 12000) x 20%
    excluded = [{"stay": 0, "amount": "2000.00", "reason": "自费药品"}]
    text = "".join(amount_in_words(stays=parsed.stays, calculation=result, excluded_costs=excluded))
    assert text.startswith(
        "第1次住院（德州市人民医院）合规费用52,000元，经复核剔除不合规费用2,000元（自费药品）后为50,000元，"
        "基本医保已报销30,000元、大病保险5,000元，剩余15,000元；"
        "第2次住院（某私立医院）合规费用52,000元，基本医保已报销30,000元、大病保险5,000元，剩余17,000元，"
        "但该次住院的医院（某私立医院）出院之日不是定点医疗机构，不予计入。"
    )
    assert "两次住院" not in text
    assert text.endswith("扣除年度起付线12,000元后的3,000元按20%救助，救助金额600元。")


def test_a_demo_standard_is_labelled_where_it_is_used():
    """The shipped files' 低保 standards are made-up values (dibao_standard_is_demo): labelled as such
    wherever an income is compared with them (INTERFACES section 11)."""
    words = income_in_words(
        monthly_income=Decimal("1200"),
        size=3,
        residence_name="农村",
        standard=Decimal("400"),
        multiplier=Decimal("1.3"),
        standard_is_demo=True,
    )
    assert "低保标准400元（演示数值，非本地实际标准）的1.3倍" in words
