"""History from the database: a person's approved applications of the same aid type and medical year."""

import pytest

from aidflow.cases.services.calculation import aid_calculate
from tests.factories import ApplicationFactory, StayFactory, advance, calculation_request, certificate

pytestmark = pytest.mark.django_db


def test_second_application_continues_from_the_first(policy, clerk, reviewer, approver):
    first = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    assert str(first.amount) == "1000.00" and str(first.remaining_total) == "17000.00"

    result = aid_calculate(data=calculation_request())
    # Deductible already used by the first stay: all 17000 counts; 20% = 3400.
    assert (result["granted_before"], result["deductible_left"], result["amount"]) == ("1000.00", "0.00", "3400.00")

    # A later stay of the same year (one stay is aided once: the first stay cannot be claimed again).
    second = ApplicationFactory(user=clerk, data__stays=[StayFactory(hospital="陵城区中医院")])
    assert str(second.computed_amount) == "3400.00"


def test_history_ignores_other_years_types_people_and_unapproved(policy, clerk, reviewer, approver):
    ApplicationFactory(user=clerk)  # filed, not approved
    advance(
        ApplicationFactory(
            user=clerk,
            data__category="dibao",
            data__aid_type="hospitalization",
            data__stays=[StayFactory(hospital="陵城区中医院")],
            documents=certificate(),
        ),
        to="notice_delivery",
    )
    result = aid_calculate(data=calculation_request())
    assert (result["granted_before"], result["amount"]) == ("0.00", "1000.00")


def test_explicit_history_wins(policy, clerk, reviewer, approver):
    advance(ApplicationFactory(user=clerk), to="notice_delivery")
    request = calculation_request(history={"remaining_before": "0.00", "granted_before": "0.00"})
    assert aid_calculate(data=request)["amount"] == "1000.00"
