"""History from the database: a person's approved applications of the same aid type and medical year."""

import pytest
from django.utils import timezone

from aidflow.cases.services import application_file, open_task, task_complete
from aidflow.policy.services import aid_calculate
from tests.factories import BEIJIE
from tests.workflows.helpers import filing

pytestmark = pytest.mark.django_db


def approve(application, clerk, reviewer, approver):
    today = timezone.localdate().isoformat()
    for user, payload in [
        (clerk, {"decision": "forward"}),
        (reviewer, {"decision": "forward", "visit_date": today, "findings": "属实"}),
        (approver, {"decision": "approve"}),
    ]:
        application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)
    return application


def test_second_application_continues_from_the_first(policy, clerk, reviewer, approver):
    first = approve(application_file(user=clerk, data=filing(BEIJIE)), clerk, reviewer, approver)
    assert str(first.amount) == "1000.00" and str(first.remaining_total) == "17000.00"

    request = filing(BEIJIE)
    request.pop("applicant")
    result = aid_calculate(data=request)
    # Deductible already used by the first stay: all 17000 counts; 20% = 3400.
    assert (result["granted_before"], result["deductible_left"], result["amount"]) == ("1000.00", "0.00", "3400.00")

    second = application_file(user=clerk, data=filing(BEIJIE))
    assert str(second.computed_amount) == "3400.00"


def test_history_ignores_other_years_types_people_and_unapproved(policy, clerk, reviewer, approver):
    application_file(user=clerk, data=filing(BEIJIE))  # filed, not approved
    other_type = filing(BEIJIE, category="dibao", aid_type="hospitalization")
    approve(application_file(user=clerk, data=other_type), clerk, reviewer, approver)
    request = filing(BEIJIE)
    request.pop("applicant")
    result = aid_calculate(data=request)
    assert (result["granted_before"], result["amount"]) == ("0.00", "1000.00")


def test_explicit_history_wins(policy, clerk, reviewer, approver):
    approve(application_file(user=clerk, data=filing(BEIJIE)), clerk, reviewer, approver)
    request = filing(BEIJIE)
    request.pop("applicant")
    request["history"] = {"remaining_before": "0.00", "granted_before": "0.00"}
    assert aid_calculate(data=request)["amount"] == "1000.00"
