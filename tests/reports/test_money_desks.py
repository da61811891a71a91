"""Money on people's desks (INTERFACES section 15, item 6): a claim waiting for review with its due
date (10 working days), a batch waiting for the second signature on the desks of those who may give
it, approved aid unpaid past the payment limit (15 working days), the patients a township must ask
and the findings the county has not acted on."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from aidflow.cases.models import Application
from aidflow.reports import desks
from aidflow.settlements.models import SettlementClaim
from aidflow.verifications.models import Verification
from tests.factories import today
from tests.payments.conftest import approved, finance, second_finance  # noqa: F401 - fixtures
from tests.recoveries.test_revocation import post
from tests.settlements.conftest import register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sections(user) -> dict:
    return {section.key: section for section in desks.desk_sections(user)}


@pytest.fixture
def claim(policy, window):  # noqa: F811
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 201
    answer = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")})
    assert answer.status_code == 201, answer.content
    return SettlementClaim.objects.get(pk=answer.json()["id"])


def test_a_claim_to_review_shows_its_due_date_and_turns_urgent_once_late(claim, approver):
    # Submitted on Monday 1 June 2026: ten working days are 2-5, 8-12 and 15 June (no holiday).
    SettlementClaim.objects.filter(pk=claim.pk).update(submitted_at=datetime.datetime(2026, 6, 1, 9, tzinfo=SHANGHAI))
    with time_machine.travel(datetime.datetime(2026, 6, 12, 10, tzinfo=SHANGHAI), tick=False):
        waiting = sections(approver)["claims-to-review"]
        assert not waiting.urgent and "2026-06-15" in waiting.items[0].detail
    with time_machine.travel(datetime.datetime(2026, 6, 16, 10, tzinfo=SHANGHAI), tick=False):
        late = sections(approver)["claims-to-review"]
        assert late.urgent and "2026-06-15" in late.items[0].detail
        assert "desk-claims-to-review" in client_for(approver).get("/workbench/").content.decode()


def test_a_batch_waits_on_the_other_officers_desk_only(policy, clerk, reviewer, approver, finance, second_finance):  # noqa: F811
    approved(clerk, order="701")
    batch = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert batch.status_code == 201 and batch.json()["status"] == "prepared"
    assert "batches-to-approve" not in sections(finance)
    waiting = sections(second_finance)["batches-to-approve"]
    assert waiting.count == 1 and waiting.items[0].label == batch.json()["number"]
    assert "batches-to-approve" not in sections(approver)  # not granted the permission
    page = client_for(second_finance).get("/workbench/inbox/").content.decode()
    assert "desk-batches-to-approve" in page


def test_aid_unpaid_past_the_payment_limit_is_counted(policy, clerk, reviewer, approver, finance):  # noqa: F811
    application = approved(clerk, order="702")
    assert not sections(finance)["not-paid"].urgent
    # Decided 40 days ago: fifteen working days are long past.
    Application.objects.filter(pk=application.pk).update(decided_on=today() - datetime.timedelta(days=40))
    late = sections(finance)["not-paid"]
    assert late.urgent and "1 of the applications are past the payment limit" in late.hint


def test_patients_to_ask_and_findings_to_act_on(claim, approver, reviewer):
    verification = Verification.objects.get()  # the claim's sample
    asked = sections(reviewer)["verifications-open"]
    assert asked.count == 1 and asked.items[0].label == verification.settlement.number
    assert "verification-findings" not in sections(approver)
    answer = {"method": "call", "stay_happened": False}
    assert post(reviewer, f"/api/v1/verifications/{verification.pk}/answer/", answer).status_code == 200
    assert "verifications-open" not in sections(reviewer)
    findings = sections(approver)["verification-findings"]
    assert findings.urgent and findings.items[0].label == verification.settlement.number


def test_the_same_reach_the_bell(approver, reviewer, clerk, finance, second_finance, claim):  # noqa: F811
    from aidflow.cases.records import Notification

    def kinds(user):
        return {(item.kind, item.link) for item in Notification.objects.filter(recipient=user)}

    assert ("claim", f"/workbench/claims/{claim.pk}/") in kinds(approver)
    assert ("verify", "/workbench/verifications/?status=open") in kinds(reviewer)
    approved(clerk, order="703")
    batch = post(finance, "/api/v1/payment-batches/", {"county": "371403"}).json()
    assert ("batch", f"/workbench/payments/batches/{batch['id']}/") in kinds(second_finance)
    assert not any(kind == "batch" for kind, _link in kinds(finance))  # never the preparer
    verification = Verification.objects.get()
    post(reviewer, f"/api/v1/verifications/{verification.pk}/answer/", {"method": "visit", "stay_happened": False})
    assert ("finding", f"/workbench/verifications/{verification.pk}/") in kinds(approver)
    page = client_for(approver).get("/workbench/notifications/").content.decode()
    assert f'href="/workbench/verifications/{verification.pk}/"' in page
