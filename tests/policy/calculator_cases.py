"""The calculator's test cases: the interface example (INTERFACES section 4) and its result, the Dezhou
terms, and `request`/`run` to vary and calculate them on a fixed day. The calculator is pure: these
tests pass `today` explicitly and never read the clock."""

import copy
import datetime
from decimal import Decimal

from aidflow.policy.calculator import calculate
from aidflow.policy.requests import History, PolicyTerms, Rule, parse_request

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
    # Each stay says whether it counts (INTERFACES section 11); warnings are always a list.
    "stays": [{"index": 0, "remaining": "17000.00", "in_window": True, "counted": True, "excluded": None}],
    "reasons": [],
    "warnings": [],
}

# 德民〔2015〕69号 expired on 2020-10-28: the demo data calculate the example's 2026 filing under the
# stand-in that continues its rules, and say so.
DEMO_EXAMPLE_RESULT = {
    **EXAMPLE_RESULT,
    "policy": {**EXAMPLE_RESULT["policy"], "code": "dezhou-demo-continued", "demo": True},
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
