"""The settlement screens without JavaScript: the window's calculate and confirm buttons, the list,
the settlement page and its reversal, the claim form and the review form."""

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import today
from tests.settlements.conftest import ZHANG, settle_body
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db


def window_form(body: dict, action: str) -> dict:
    form = {"id_number": body["patient"]["id_number"], "name": body["patient"]["name"], "insured": "on"}
    form.update({"aid_type": body["aid_type"], "action": action, **body["stay"]})
    return form


def test_the_window_calculates_then_confirms(window):
    web = client_for(window)
    page = web.get(f"/workbench/settlements/window/?id_number={ZHANG}")
    assert page.status_code == 200 and "张*兰" in page.content.decode()
    preview = web.post("/workbench/settlements/window/", window_form(settle_body(), "preview"))
    assert preview.status_code == 200 and "5950.00" in preview.content.decode()
    assert not Settlement.objects.exists()
    fragment = web.post(
        "/workbench/settlements/window/", window_form(settle_body(), "preview"), headers={"X-Requested-With": "fetch"}
    )
    assert "<html" not in fragment.content.decode() and "4550.00" in fragment.content.decode()
    bad = web.post("/workbench/settlements/window/", window_form(settle_body(total_cost="abc"), "confirm"))
    bad_page = bad.content.decode()
    assert bad.status_code == 400 and 'id="window-errors"' in bad_page and 'href="#id_total_cost"' in bad_page
    assert 'id="id_total_cost-error"' in bad_page and "stay.total_cost" not in bad_page  # named as the screen names it
    confirmed = web.post("/workbench/settlements/window/", window_form(settle_body(), "confirm"))
    settlement = Settlement.objects.get()
    assert confirmed.status_code == 302 and confirmed["Location"].endswith(f"/settlements/{settlement.pk}/")
    detail = web.get(confirmed["Location"]).content.decode()
    assert settlement.number in detail and "4550.00" in detail
    listed = web.get(f"/workbench/settlements/?month={settlement.discharge_date:%Y-%m}").content.decode()
    assert settlement.number in listed


def test_only_hospital_clerks_open_the_window(approver, register):
    assert client_for(approver).get("/workbench/settlements/window/").status_code == 403


def test_reversal_and_claim_review_through_the_forms(window, approver, outsider):
    client_for(window).post("/workbench/settlements/window/", window_form(settle_body(), "confirm"))
    settlement = Settlement.objects.get()
    web = client_for(window)
    assert web.post(f"/workbench/settlements/{settlement.pk}/reverse/", {"reason": ""}).status_code == 400
    settlement.refresh_from_db()
    assert settlement.status == "settled"  # a reason is required
    asked = web.post(f"/workbench/settlements/{settlement.pk}/reverse/", {"reason": "患者信息录入错误"})
    assert asked.status_code == 200 and settlement.number in asked.content.decode()
    settlement.refresh_from_db()
    assert settlement.status == "settled"  # asked first: nothing happens on one click
    post_confirmed(web, f"/workbench/settlements/{settlement.pk}/reverse/", {"reason": "患者信息录入错误"})
    settlement.refresh_from_db()
    assert settlement.status == "reversed"

    web.post("/workbench/settlements/window/", window_form(settle_body(), "confirm"))
    response = web.post("/workbench/claims/", {"month": today().strftime("%Y-%m"), "county": "371403"})
    claim = SettlementClaim.objects.get()
    assert response["Location"].endswith(f"/claims/{claim.pk}/")
    assert client_for(outsider).get(f"/workbench/claims/{claim.pk}/").status_code == 404
    review = client_for(approver)
    refused = claim.settlements.get()
    page = review.get(f"/workbench/claims/{claim.pk}/").content.decode()
    assert f'name="refusal_{refused.pk}"' in page and "5950.00" in page
    review_form = {"decision": "approve", f"refusal_{refused.pk}": "non_compliant", "reasons": "重复收费"}
    asked = review.post(f"/workbench/claims/{claim.pk}/", review_form).content.decode()
    assert "5950.00" in asked and "data-confirm-dialog" in asked  # refused: 1 settlement, 5950.00
    claim.refresh_from_db()
    assert claim.status == "submitted"
    post_confirmed(review, f"/workbench/claims/{claim.pk}/", review_form)
    claim.refresh_from_db()
    refused.refresh_from_db()
    assert (claim.status, claim.approved_amount, refused.status) == ("approved", 0, "refused")
    assert f'name="refusal_{refused.pk}"' not in review.get(f"/workbench/claims/{claim.pk}/").content.decode()


def test_an_auditor_can_change_no_settlement_or_claim(window, auditor):
    web = client_for(window)
    web.post("/workbench/settlements/window/", window_form(settle_body(), "confirm"))
    settlement = Settlement.objects.get()
    web.post("/workbench/claims/", {"month": today().strftime("%Y-%m")})
    claim = SettlementClaim.objects.get()
    reader = client_for(auditor)
    assert reader.get(f"/workbench/claims/{claim.pk}/").status_code == 200  # in scope: may read
    before = AuditEvent.objects.count()
    posts = {
        "/workbench/settlements/window/": window_form(settle_body(), "confirm"),
        f"/workbench/settlements/{settlement.pk}/reverse/": {"reason": "x"},
        "/workbench/claims/": {"month": today().strftime("%Y-%m")},
        f"/workbench/claims/{claim.pk}/": {"decision": "reject", "reasons": "x"},
    }
    for url, data in posts.items():
        assert reader.post(url, data).status_code == 403, url
    claim.refresh_from_db()
    settlement.refresh_from_db()
    assert (claim.status, settlement.status, Settlement.objects.count()) == ("submitted", "claimed", 1)
    assert AuditEvent.objects.count() == before
