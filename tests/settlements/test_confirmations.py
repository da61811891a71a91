"""The settlement screens without scripts: a reversal and a claim's review are asked for with what
they change and done only once confirmed; their errors stay on the page with what was typed."""

import pytest

from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import today
from tests.settlements.conftest import settle_body
from tests.workflows.helpers import client_for, confirmation_fields, post_confirmed

pytestmark = pytest.mark.django_db


def settle(window, **changes) -> Settlement:
    response = client_for(window).post("/api/v1/settlements/", settle_body(**changes), content_type="application/json")
    assert response.status_code == 201, response.content
    return Settlement.objects.get(pk=response.json()["id"])


def test_a_reversal_is_asked_for_with_its_number_and_amount(window):
    settlement = settle(window)
    web = client_for(window)
    url = f"/workbench/settlements/{settlement.pk}/reverse/"
    asked = web.post(url, {"reason": "患者信息录入错误"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认冲正这笔结算？" in page
    assert settlement.number in page and "5950.00 元" in page and "患者信息录入错误" in page
    assert Settlement.objects.get(pk=settlement.pk).status == "settled"
    assert web.post(url, confirmation_fields(asked)).status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).status == "reversed"
    # Reversed already: the refusal stays on the page, with the reason typed.
    again = web.post(url, confirmation_fields(asked))
    assert again.status_code == 400 and 'id="reverse-errors"' in again.content.decode()
    assert "患者信息录入错误" in again.content.decode()


def test_a_claim_review_is_asked_for_with_what_is_paid_and_refused(window, approver):
    first = settle(window)
    second = settle(
        window, admission_date=today().isoformat(), discharge_date=today().isoformat(), eligible_cost="12000.00"
    )
    month = {"month": today().strftime("%Y-%m")}
    client_for(window).post("/api/v1/settlement-claims/", month, content_type="application/json")
    claim = SettlementClaim.objects.get()
    web, url = client_for(approver), f"/workbench/claims/{claim.pk}/"
    # A refusal without a reason: the error stays beside that settlement, its choice stays chosen.
    missing = web.post(url, {"decision": "approve", f"refusal_{second.pk}": "non_compliant"})
    page = missing.content.decode()
    assert missing.status_code == 400 and f'href="#id_refusal_reason_{second.pk}"' in page
    assert 'value="non_compliant" selected' in page
    review = {"decision": "approve", f"refusal_{second.pk}": "non_compliant", "reasons": "重复收费"}
    asked = web.post(url, review)
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认批准此结算申请？" in page
    assert f"1 笔结算，{first.amount} 元" in page and f"1 笔结算，{second.amount} 元" in page
    assert SettlementClaim.objects.get().status == "submitted"
    rejected = web.post(url, {"decision": "reject", "reasons": "材料不全"})
    assert "确认拒付整个结算申请？" in rejected.content.decode()
    assert SettlementClaim.objects.get().status == "submitted"
    assert post_confirmed(web, url, review).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount) == ("approved", first.amount)
    # Reviewed already: the refusal stays on the page.
    again = web.post(url, review)
    assert again.status_code == 409 and 'id="review-errors"' in again.content.decode()


def test_a_claim_that_cannot_be_made_says_why_and_stays(window):
    response = client_for(window).post("/workbench/claims/", {"month": "2999-01", "county": "371403"})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="claim-errors"' in page and 'href="#id_month"' in page
    assert 'value="2999-01"' in page
    assert not SettlementClaim.objects.exists()
