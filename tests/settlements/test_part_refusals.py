"""Refusing part of a settlement in a claim's review (INTERFACES section 15, item 2), the amounts
computed by hand: the stay of settle_body (18000.00 compliant, 9000.00 basic and 500.00 other
insurance) gives 70% of 8500.00 = 5950.00 at the window."""

import datetime

import pytest

from aidflow.cases.models import AidLedgerRow
from aidflow.rolls.services import recipients_import
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import person, today
from tests.recoveries.test_revocation import post
from tests.settlements.conftest import ZHANG, register, settle_body, window  # noqa: F401
from tests.workflows.helpers import client_for, post_confirmed

pytestmark = pytest.mark.django_db
LI = person("611")


@pytest.fixture
def claim(policy, window):  # noqa: F811
    since = (today() - datetime.timedelta(days=800)).isoformat()
    recipients_import(
        text=f"id_number,name,category,region,valid_from,valid_to\n{LI},李四,dibao,371403105201,{since},\n"
    )
    assert post(window, "/api/v1/settlements/", settle_body()).status_code == 201
    assert post(window, "/api/v1/settlements/", settle_body(LI, name="李四")).status_code == 201
    answer = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")})
    assert answer.status_code == 201, answer.content
    return SettlementClaim.objects.get(pk=answer.json()["id"])


def review(approver, claim, *refusals, **extra):
    body = {"decision": "approve", "rejected_settlements": list(refusals), **extra}
    return post(approver, f"/api/v1/settlement-claims/{claim.pk}/review/", body)


def test_a_part_refused_lowers_the_aid_the_claim_pays(claim, approver, window):  # noqa: F811
    zhang = Settlement.objects.get(id_number=ZHANG)
    li = Settlement.objects.get(id_number=LI)
    part = {"id": zhang.pk, "code": "over_catalogue", "amount": "2000.00", "reason": "超目录自费药品"}
    answer = review(approver, claim, part)
    assert answer.status_code == 200, answer.content
    # 18000.00 - 2000.00 = 16000.00 compliant, less 9500.00 paid by insurance: 70% of 6500.00 = 4550.00.
    assert answer.json()["approved_amount"] == f"{4550 + 5950}.00"
    zhang.refresh_from_db()
    assert (zhang.status, zhang.amount, zhang.part_refused_cost, zhang.part_refused_aid) == (
        "approved",
        4550,
        2000,
        1400,
    )
    assert zhang.patient_pays == 20000 - 9500 - 5950  # the patient keeps what the window gave
    assert zhang.refusal_code == "over_catalogue" and zhang.end_reason == "超目录自费药品"
    assert AidLedgerRow.objects.get(settlement_number=zhang.number).aid == 455000
    li.refresh_from_db()
    assert (li.status, li.amount, li.part_refused_cost) == ("approved", 5950, None)
    # The hospital's statement shows the refusal.
    api = client_for(window).get(f"/api/v1/settlements/{zhang.pk}/").json()
    assert (api["part_refused_cost"], api["part_refused_aid"]) == ("2000.00", "1400.00")
    page = client_for(window).get(f"/workbench/claims/{claim.pk}/").content.decode()
    assert 'data-testid="part-refused"' in page and "1400.00" in page


def test_bad_parts_are_named_and_a_part_as_large_as_the_cost_refuses_it_whole(claim, approver):
    zhang = Settlement.objects.get(id_number=ZHANG)
    bad = review(
        approver,
        claim,
        {"id": zhang.pk, "code": "correction_needed", "amount": "100.00", "reason": "x"},
        {"id": Settlement.objects.get(id_number=LI).pk, "code": "over_price", "amount": "-5", "reason": "x"},
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"rejected_settlements[0].amount", "rejected_settlements[1].amount"}
    whole = review(approver, claim, {"id": zhang.pk, "code": "fictitious", "amount": "18000.00", "reason": "虚假住院"})
    assert whole.status_code == 200, whole.content
    zhang.refresh_from_db()
    assert (zhang.status, zhang.refusal_code, zhang.part_refused_cost) == ("refused", "fictitious", None)
    assert whole.json()["approved_amount"] == "5950.00"


def test_the_review_screen_refuses_a_part(claim, approver):
    zhang = Settlement.objects.get(id_number=ZHANG)
    form = {
        "decision": "approve",
        f"refusal_{zhang.pk}": "over_price",
        f"refusal_reason_{zhang.pk}": "超标准收取床位费",
        f"refusal_amount_{zhang.pk}": "2000.00",
        "reasons": "",
    }
    page = client_for(approver).get(f"/workbench/claims/{claim.pk}/").content.decode()
    assert f'name="refusal_amount_{zhang.pk}"' in page
    bad = client_for(approver).post(f"/workbench/claims/{claim.pk}/", {**form, f"refusal_amount_{zhang.pk}": "-1"})
    assert bad.status_code == 400
    done = post_confirmed(client_for(approver), f"/workbench/claims/{claim.pk}/", form)
    assert done.status_code == 302, done.content.decode()[:500]
    zhang.refresh_from_db()
    assert (zhang.amount, zhang.part_refused_aid, zhang.refusal_code) == (4550, 1400, "over_price")
    claim.refresh_from_db()
    assert claim.approved_amount == 4550 + 5950
