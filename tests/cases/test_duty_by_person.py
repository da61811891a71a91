"""Duty separation by person: whoever filed, checked or reviewed an application never approves or
pays it, whatever their role becomes."""

import pytest

from aidflow.regions.services import staff_save
from tests.factories import PASSWORD, ApplicationFactory, FilingFactory, advance, make_staff, person
from tests.payments.conftest import payee
from tests.workflows.helpers import client_for, current_task

pytestmark = pytest.mark.django_db


def approve(user, application):
    task = current_task(application)
    return client_for(user).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"decision": "approve", "reasons": ""}, content_type="application/json"
    )


def test_the_filer_made_county_approver_cannot_approve(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    promoted = staff_save(
        username=clerk.username, password=PASSWORD, role="county_approver", region_code="371403", name="李秀英"
    )
    response = approve(promoted, application)
    assert response.status_code == 403
    application.refresh_from_db()
    assert application.status == "in_progress"
    assert approve(approver, application).status_code == 200


def test_the_reviewer_made_county_approver_cannot_approve(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    promoted = staff_save(
        username=reviewer.username, password=PASSWORD, role="county_approver", region_code="371403", name="刘志强"
    )
    assert approve(promoted, application).status_code == 403


def test_whoever_approved_never_pays_it(policy, clerk, reviewer, approver):
    data = FilingFactory(person=person("401"))
    data["payee"] = payee()
    application = advance(ApplicationFactory(user=clerk, data=data), to="notice_delivery")
    finance = staff_save(
        username=approver.username, password=PASSWORD, role="county_finance", region_code="371403", name="陈明"
    )
    response = client_for(finance).post(
        "/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json"
    )
    assert response.status_code == 409  # the only payable case is one this person decided
    assert application.number in str(response.json())
    other = make_staff("finance9", "county_finance", "371403", "郑红")
    made = client_for(other).post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
    assert made.status_code == 201 and made.json()["lines"][0]["ref"] == application.number
