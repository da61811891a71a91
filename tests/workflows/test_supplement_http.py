"""Supplements: corrections of the household and the stays, and the recalculation they cause."""

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.cases.selectors import open_task
from aidflow.cases.services.tasks import task_complete
from aidflow.core.errors import InputErrors
from tests.factories import ApplicationFactory, advance, person
from tests.workflows.helpers import client_for, complete, current_task, file_application, today, township

pytestmark = pytest.mark.django_db


def test_supplement_corrects_the_household_and_recalculates(policy, clerk, reviewer):
    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="forward")
    complete(reviewer, application, **township("return", reasons="收入证明与申报不符", missing="家庭收入证明"))
    assert str(application.computed_amount) == "1000.00"
    # The income proof shows a higher income: per-capita 600 is above 1.3 x 400, so not eligible.
    task = current_task(application)
    response = client_for(clerk).post(
        f"/workbench/applications/{application.pk}/tasks/{task.pk}/",
        {
            "note": "补充收入证明，按证明更正家庭月收入",
            "household_size": "3",
            "household_monthly_income": "1800.00",
            "residence": "rural",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == "township_review"
    assert str(application.household_monthly_income) == "1800.00"
    assert application.calculation["eligible"] is False
    assert [reason["code"] for reason in application.calculation["reasons"]] == ["INCOME_ABOVE_LIMIT"]
    event = AuditEvent.objects.get(action="resubmitted")
    assert event.details["facts"]["corrections"]["computed_amount"] == ["1000.00", "0.00"]


def test_supplement_without_changes_keeps_the_calculation(policy, clerk):
    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="return", missing="户口簿")
    # The form comes prefilled with the household; submitting it unchanged corrects nothing.
    complete(
        clerk, application, note="已补户口簿", household_size="3", household_monthly_income="1200.00", residence="rural"
    )
    assert "corrections" not in AuditEvent.objects.get(action="resubmitted").details["facts"]


def test_api_supplement_corrects_stays(policy, clerk):
    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="return", missing="结算单")
    bad = {"note": "x", "stays": [{"hospital": "某医院"}]}
    with pytest.raises(InputErrors) as caught:
        task_complete(user=clerk, task_id=open_task(application).pk, payload=bad)
    assert "stays[0].hospital_level" in caught.value.errors
    stays = [
        dict(
            application.calculation_input["stays"][0],
            eligible_cost="60000.00",
            basic_insurance="25000.00",
            serious_illness_insurance="5000.00",
        )
    ]
    application = task_complete(
        user=clerk, task_id=open_task(application).pk, payload={"note": "结算单更正", "stays": stays}
    )
    # remaining 30000; 18000 above the deductible; 20% = 3600.
    assert application.calculation["amount"] == "3600.00" and application.stays.get().eligible_cost == 60000


def test_optional_texts_may_be_sent_empty(client, policy, clerk, reviewer):
    """INTERFACES section 5: an optional text field may be "" - the same as leaving it out."""
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    client.force_login(reviewer)
    task = open_task(application).pk
    payload = {"decision": "forward", "visit_date": today(), "findings": "属实", "reasons": "", "visitors": ""}
    response = client.post(f"/api/v1/tasks/{task}/complete/", payload, content_type="application/json")
    assert response.status_code == 200, response.json()
    assert response.json()["stage"] == "county_approval"
    # A required text still may not be empty.
    application = advance(ApplicationFactory(user=clerk, data__person=person("002")), to="township_review")
    task = open_task(application).pk
    response = client.post(
        f"/api/v1/tasks/{task}/complete/", {**payload, "findings": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "findings" in response.json()["errors"]
