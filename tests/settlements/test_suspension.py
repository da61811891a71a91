"""The county suspends a hospital's designation (issue 30 item 4): from the day it names, the
hospital's window makes no new settlement and says why, on the hospital; its claims show the
suspension; lifting it opens the window again. Only the approver of the hospital's county acts,
and every change is audited."""

import datetime

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.core.errors import InputErrors
from aidflow.settlements.models import Settlement
from aidflow.settlements.services.window import settlement_record
from tests.factories import make_staff, today
from tests.settlements.conftest import LI, WANG, settle_body
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

REASON = "涉嫌虚假住院，暂停定点资格待查"
SUSPEND = "/api/v1/hospitals/H-LC/suspension/"
LIFT = "/api/v1/hospitals/H-LC/suspension/lift/"


def post(user, path, body):
    return client_for(user).post(path, body, content_type="application/json")


def days(offset: int) -> str:
    return (today() + datetime.timedelta(days=offset)).isoformat()


def test_a_suspension_in_force_refuses_the_window_naming_the_hospital_and_lifting_opens_it(
    policy, approver, window, other_window
):
    assert post(window, SUSPEND, {"from": days(-2), "reason": REASON}).status_code == 403
    other_approver = make_staff("approver_py", "county_approver", "371426", "孙伟")
    assert post(other_approver, SUSPEND, {"from": days(-2), "reason": REASON}).status_code == 404
    bad = post(approver, SUSPEND, {"from": "yesterday"})
    assert bad.status_code == 400 and {"from", "reason"} <= set(bad.json()["errors"])
    made = post(approver, SUSPEND, {"from": days(-2), "reason": REASON})
    assert made.status_code == 201, made.content
    assert (made.json()["suspended_from"], made.json()["lifted_on"]) == (days(-2), None)
    event = AuditEvent.objects.get(action="hospital_suspended")
    assert (event.actor, event.region, event.details["reason"]) == (approver, "371403", REASON)
    assert post(approver, SUSPEND, {"from": days(0), "reason": REASON}).status_code == 409  # one at a time

    refused = post(window, "/api/v1/settlements/", settle_body())
    assert refused.status_code == 400
    message = " ".join(refused.json()["errors"]["hospital"])
    assert REASON in message and days(-2) in message
    assert not Settlement.objects.exists()
    screen = client_for(window).get("/workbench/settlements/window/").content.decode()
    assert 'data-testid="window-suspended"' in screen and REASON in screen
    hospitals = {row["code"]: row for row in client_for(approver).get("/api/v1/hospitals/").json()}
    assert (hospitals["H-LC"]["suspended_from"], hospitals["H-PY"]["suspended_from"]) == (days(-2), None)
    # Another county's hospital settles as before.
    assert post(other_window, "/api/v1/settlements/", settle_body(WANG, name="王五")).status_code == 201

    assert post(approver, LIFT, {}).status_code == 400  # the reason is required
    lifted = post(approver, LIFT, {"reason": "核查无误，恢复定点"})
    assert lifted.status_code == 200 and lifted.json()["lifted_on"] == days(0)
    assert AuditEvent.objects.filter(action="hospital_suspension_lifted", region="371403").count() == 1
    assert post(approver, LIFT, {"reason": "again"}).status_code == 409
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 201
    reopened = client_for(window).get("/workbench/settlements/window/").content.decode()
    assert 'data-testid="window-suspended"' not in reopened


def test_the_window_settles_until_the_day_the_suspension_begins(policy, approver, window):
    assert post(approver, SUSPEND, {"from": days(1), "reason": REASON}).status_code == 201
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 201  # the day before
    tomorrow = today() + datetime.timedelta(days=1)
    with pytest.raises(InputErrors) as refused:
        settlement_record(user=window, data=settle_body(WANG, name="王五"), today=tomorrow)
    assert REASON in " ".join(refused.value.errors["hospital"])
    # Lifted before it began, it never stops the window.
    assert post(approver, LIFT, {"reason": "撤销暂停"}).status_code == 200
    stay = {"admission_date": days(-1), "discharge_date": days(0)}
    assert settlement_record(user=window, data=settle_body(LI, name="李四", **stay), today=tomorrow).number


def test_the_claims_show_the_suspension_and_the_county_screen_suspends_and_lifts(policy, approver, window):
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 201
    claim = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}).json()
    screen = client_for(approver)
    assert client_for(window).get("/workbench/hospitals/").status_code == 403
    assert "H-LC" in screen.get("/workbench/hospitals/").content.decode()
    missing = screen.post("/workbench/hospitals/", {"hospital": "H-LC", "action": "suspend", "from": days(0)})
    assert missing.status_code == 400 and not AuditEvent.objects.filter(action="hospital_suspended").exists()
    done = screen.post(
        "/workbench/hospitals/", {"hospital": "H-LC", "action": "suspend", "from": days(0), "reason": REASON}
    )
    assert done.status_code == 302
    page = screen.get("/workbench/hospitals/").content.decode()
    assert 'data-testid="suspended"' in page and REASON in page
    detail = screen.get(f"/api/v1/settlement-claims/{claim['id']}/").json()
    assert detail["hospital_suspension"]["reason"] == REASON
    assert detail["hospital_suspension"]["suspended_from"] == days(0)
    claim_page = screen.get(f"/workbench/claims/{claim['id']}/").content.decode()
    assert 'data-testid="hospital-suspended"' in claim_page and REASON in claim_page
    lifted = screen.post("/workbench/hospitals/", {"hospital": "H-LC", "action": "lift", "reason": "恢复"})
    assert lifted.status_code == 302
    assert screen.get(f"/api/v1/settlement-claims/{claim['id']}/").json()["hospital_suspension"] is None
