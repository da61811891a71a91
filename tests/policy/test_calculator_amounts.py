"""Amounts: half-up rounding once at the end, and properties of the formula over generated inputs."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidflow.core.fields import round_money
from aidflow.policy.requests import PolicyTerms, Rule
from tests.policy.calculator_cases import DEZHOU, request, run


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
