"""The claim window (POLICY section 2): Q4 stays filed in Q1, one medical year per application, several stays."""

import pytest

from aidflow.core.errors import InputErrors
from aidflow.policy.requests import parse_request
from tests.policy.calculator_cases import EXAMPLE, TODAY, request, run


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
