"""Invalid calculation requests are refused naming each field; optional parts may be left out."""

import pytest

from aidflow.core.errors import InputErrors
from aidflow.policy.requests import parse_request
from tests.policy.calculator_cases import DELETE, TODAY, request, run


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
