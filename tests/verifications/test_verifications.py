"""Patients asked (INTERFACES section 15, item 3): the county asks about a settlement, or a claim's
sample does; the patient's township records the answer; a contradiction of the slip is a finding
that leads, once paid, to the settlement's revocation and the hospital's recovery."""

import pytest
from django.test import Client

from aidflow.audit.models import AuditEvent
from aidflow.calendars.services import local_date
from aidflow.settlements.models import Settlement
from aidflow.verifications.models import Verification
from aidflow.verifications.services import verifications_for_sample
from tests.factories import make_staff, today
from tests.recoveries.test_revocation import pay_all, post
from tests.workflows.helpers import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]
# settle_body's stay: 20000.00 in all, 9000.00 basic and 500.00 other insurance, 5950.00 aid.
SLIP_PATIENT_PAYS = "4550.00"


@pytest.fixture
def settlement(approved_claim):
    return Settlement.objects.get()


def ask(approver, settlement):
    return post(approver, f"/api/v1/settlements/{settlement.pk}/verification/", {})


def test_a_paid_settlement_the_patient_contradicts_is_revoked_and_recovered(
    policy, approver, other_approver, reviewer, window, finance, settlement, django_capture_on_commit_callbacks
):
    pay_all(finance)
    # Not drawn in the claim's sample (a claim of one draws it): the county asks.
    Verification.objects.all().delete()
    assert ask(window, settlement).status_code == 403
    assert ask(other_approver, settlement).status_code == 404
    asked = ask(approver, settlement)
    assert asked.status_code == 201, asked.content
    verification = asked.json()
    assert ask(approver, settlement).status_code == 409
    assert verification["status"] == "open" and verification["reason"] == "requested"
    assert verification["slip_patient_pays"] == SLIP_PATIENT_PAYS
    assert verification["patient"] == "张*兰"
    # Ten working days: at least twelve calendar days later, never on a weekend.
    due = verification["due_date"]
    assert (today().fromisoformat(due) - local_date(settlement.settled_at)).days >= 12
    assert today().fromisoformat(due).weekday() < 5
    listed = client_for(reviewer).get("/api/v1/verifications/?status=open").json()
    assert [item["id"] for item in listed["results"]] == [verification["id"]]
    path = f"/api/v1/verifications/{verification['id']}/answer/"
    bad = post(reviewer, path, {"method": "letter", "stay_happened": "yes"})
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"method", "stay_happened"}
    missing = post(reviewer, path, {"method": "visit", "stay_happened": True})
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"patient_paid"}
    answered = post(reviewer, path, {"method": "visit", "stay_happened": True, "patient_paid": "6000.00"})
    assert answered.status_code == 200, answered.content
    answer = answered.json()
    assert answer["finding"] is True
    assert "6000.00" in answer["finding_text"] and SLIP_PATIENT_PAYS in answer["finding_text"]
    assert post(reviewer, path, {"method": "call", "stay_happened": True, "patient_paid": "0"}).status_code == 409
    assert AuditEvent.objects.filter(action="verification_answered", details__finding=answer["finding_text"]).exists()
    # The county revokes the paid settlement on the finding: the hospital owes the aid back.
    with django_capture_on_commit_callbacks(execute=True):
        revoked = post(
            approver,
            f"/api/v1/settlements/{settlement.pk}/revoke/",
            {"reasons": "患者核实情况与结算单不符", "facts": answer["finding_text"]},
        )
    assert revoked.status_code == 200, revoked.content
    recovery = revoked.json()["recovery"]
    assert (recovery["debtor_kind"], recovery["outstanding"]) == ("hospital", "5950.00")


def test_a_sample_asks_once_and_an_agreeing_answer_is_no_finding(policy, approver, reviewer, settlement):
    # The claim of one settlement drew it (5%, at least one) and its patient is asked, once.
    verification = Verification.objects.get()
    assert verification.settlement == settlement
    assert verification.reason == "sampled" and verification.requested_by is None
    assert AuditEvent.objects.filter(action="verification_requested", details__claim=settlement.claim.number).exists()
    assert verifications_for_sample(settlements=[settlement], claim_number="C-1") == 0
    other_township = make_staff("reviewer9", "township_reviewer", "371403102", "马丽")
    path = f"/api/v1/verifications/{verification.pk}/answer/"
    body = {"method": "call", "stay_happened": True, "patient_paid": SLIP_PATIENT_PAYS}
    assert post(other_township, path, body).status_code == 404
    assert client_for(other_township).get("/api/v1/verifications/").json()["count"] == 0
    answer = post(reviewer, path, body).json()
    assert answer["finding"] is False and answer["finding_text"] == ""
    verification.refresh_from_db()
    assert verification.answered_by == reviewer


def test_the_screens_ask_answer_and_offer_the_revocation(policy, approver, reviewer, settlement, auditor):
    Verification.objects.all().delete()  # as if not drawn: the county asks from the settlement's page
    page = client_for(approver).get(f"/workbench/settlements/{settlement.pk}/")
    assert "verification-ask" in page.content.decode()
    asked = client_for(approver).post(f"/workbench/settlements/{settlement.pk}/verification/")
    verification = Verification.objects.get()
    assert asked.status_code == 302 and asked["Location"].endswith(f"/verifications/{verification.pk}/")
    reviewer_client = client_for(reviewer)
    listing = reviewer_client.get("/workbench/verifications/").content.decode()
    assert settlement.number in listing
    bad = reviewer_client.post(f"/workbench/verifications/{verification.pk}/", {"method": "visit"})
    assert bad.status_code == 400 and "answer-errors" in bad.content.decode()
    done = reviewer_client.post(
        f"/workbench/verifications/{verification.pk}/", {"method": "visit", "stay_happened": "no"}
    )
    assert done.status_code == 302
    verification.refresh_from_db()
    # Stored in Chinese whatever the screen's language: the facts of a revocation notice.
    assert verification.finding and "住院并未发生" in verification.finding_text
    detail = client_for(approver).get(f"/workbench/verifications/{verification.pk}/").content.decode()
    # The claim was approved: the finding leads to the revoke form, filled with it.
    assert "revoke-submit" in detail and verification.finding_text in detail
    assert (
        "revoke-submit" not in client_for(auditor).get(f"/workbench/verifications/{verification.pk}/").content.decode()
    )
    assert Client().get("/workbench/verifications/").status_code == 302
