"""The county's claim review screen after the fund-safety rules (INTERFACES section 11): each settlement
paid, refused as non-compliant (the fund never pays the stay, seed 002 line ~1838, 不予结算) or sent
back to the hospital for correction, each with its reason; the confirmation lists each refusal; the
settlement's page, the list and the window say what the hospital may still do with the stay."""

import datetime

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.factories import today
from tests.settlements.conftest import ZHANG, settle_body
from tests.settlements.test_confirmations import settle
from tests.settlements.test_screens import window_form
from tests.workflows.helpers import client_for, confirmation_fields

pytestmark = pytest.mark.django_db

NON_COMPLIANT = "不合规：救助资金不予结算"
FOR_CORRECTION = "退回医院更正后重新结算"


@pytest.fixture
def claim(window):
    """A claim of three settlements of 张秀兰 at 陵城区人民医院, three stays that do not overlap - the
    default one (discharged three days ago), one of today, one that ended before the first began -
    of 5950.00, 1750.00 and 1050.00, within the annual cap."""
    first = settle(window)
    second = settle(
        window, admission_date=today().isoformat(), discharge_date=today().isoformat(), eligible_cost="12000.00"
    )
    earlier = (first.admission_date - datetime.timedelta(days=1)).isoformat()
    third = settle(window, admission_date=earlier, discharge_date=earlier, eligible_cost="11000.00")
    month = {"month": today().strftime("%Y-%m")}
    made = client_for(window).post("/api/v1/settlement-claims/", month, content_type="application/json")
    assert made.status_code == 201
    return SettlementClaim.objects.get(), (first, second, third)


def test_each_settlement_is_paid_or_refused_as_what_with_its_reason(claim, approver, window):
    claim, (first, second, third) = claim
    web, url = client_for(approver), f"/workbench/claims/{claim.pk}/"
    page = web.get(url).content.decode()
    for settlement in (first, second, third):
        assert f'name="refusal_{settlement.pk}"' in page and f'name="refusal_reason_{settlement.pk}"' in page
    assert page.count('<option value="non_compliant">') == 3 and page.count('<option value="correction_needed">') == 3
    assert NON_COMPLIANT in page and FOR_CORRECTION in page and "核准结算" in page
    # A refusal without a reason, and no reasons for the review: the error stands beside that row.
    missing = web.post(url, {"decision": "approve", f"refusal_{second.pk}": "correction_needed"})
    page = missing.content.decode()
    assert missing.status_code == 400 and f'href="#id_refusal_reason_{second.pk}"' in page
    assert f'id="id_refusal_reason_{second.pk}-error"' in page and 'value="correction_needed" selected' in page
    # Each refusal with its own reason: asked first, each refusal listed with what it is refused as.
    review = {
        "decision": "approve",
        f"refusal_{first.pk}": "non_compliant",
        f"refusal_reason_{first.pk}": "超医保目录用药",
        f"refusal_{third.pk}": "correction_needed",
        f"refusal_reason_{third.pk}": "出院诊断与病历不符",
    }
    asked = web.post(url, review)
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认批准此结算申请？" in page
    assert f"1 笔结算，{second.amount} 元" in page  # what is paid
    assert f"2 笔结算，{first.amount + third.amount} 元" in page  # what is refused
    refusals = ((first, NON_COMPLIANT, "超医保目录用药"), (third, FOR_CORRECTION, "出院诊断与病历不符"))
    for settlement, code, reason in refusals:
        assert settlement.number in page and code in page and f"理由：{reason}" in page
    assert SettlementClaim.objects.get().status == "submitted"
    assert web.post(url, confirmation_fields(asked)).status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.approved_amount, claim.reasons) == ("approved", second.amount, "")
    first.refresh_from_db()
    third.refresh_from_db()
    assert (first.status, first.refusal_code, first.end_reason) == ("refused", "non_compliant", "超医保目录用药")
    assert (third.status, third.refusal_code) == ("refused", "correction_needed")
    assert third.end_reason == "出院诊断与病历不符"
    event = AuditEvent.objects.get(action="claim_reviewed")
    assert event.details["refusals"] == {first.number: "non_compliant", third.number: "correction_needed"}
    assert event.details["refusal_reasons"] == {first.number: "超医保目录用药", third.number: "出院诊断与病历不符"}
    # The claim's page shows each refused settlement's code and reason, and no review form any more.
    page = web.get(url).content.decode()
    assert f'name="refusal_{first.pk}"' not in page and NON_COMPLIANT in page and "出院诊断与病历不符" in page


def test_reasons_for_the_review_stand_for_refusals_without_their_own(claim, approver):
    claim, (_first, second, _third) = claim
    web, url = client_for(approver), f"/workbench/claims/{claim.pk}/"
    review = {"decision": "approve", f"refusal_{second.pk}": "non_compliant", "reasons": "重复收费"}
    asked = web.post(url, review)
    assert asked.status_code == 200 and "理由：重复收费" in asked.content.decode()
    web.post(url, confirmation_fields(asked))
    second.refresh_from_db()
    assert (second.refusal_code, second.end_reason) == ("non_compliant", "重复收费")


def test_a_claim_rejected_whole_sends_back_for_correction_all_but_the_non_compliant(claim, approver):
    claim, (first, second, third) = claim
    web, url = client_for(approver), f"/workbench/claims/{claim.pk}/"
    without_reasons = web.post(url, {"decision": "reject"})
    assert without_reasons.status_code == 400 and 'href="#id_reasons"' in without_reasons.content.decode()
    review = {"decision": "reject", "reasons": "材料不全", f"refusal_{first.pk}": "non_compliant"}
    asked = web.post(url, review)
    page = asked.content.decode()
    dialog = page[page.index("<dialog") : page.index("</dialog>")]
    assert "确认拒付整个结算申请？" in dialog
    assert dialog.count(FOR_CORRECTION) == 2 and dialog.count(NON_COMPLIANT) == 1
    web.post(url, confirmation_fields(asked))
    codes = dict(Settlement.objects.values_list("pk", "refusal_code"))
    assert codes == {first.pk: "non_compliant", second.pk: "correction_needed", third.pk: "correction_needed"}


def test_the_api_takes_each_refusals_own_reason_without_reasons_for_the_review(claim, approver):
    claim, (first, _second, _third) = claim
    api = client_for(approver)
    path = f"/api/v1/settlement-claims/{claim.pk}/review/"
    ids_only = api.post(
        path, {"decision": "approve", "rejected_settlements": [first.pk]}, content_type="application/json"
    )
    assert ids_only.status_code == 400 and list(ids_only.json()["errors"]) == ["reasons"]
    items = [{"id": first.pk, "code": "correction_needed", "reason": "发票金额有误"}]
    answer = api.post(path, {"decision": "approve", "rejected_settlements": items}, content_type="application/json")
    assert answer.status_code == 200, answer.content
    first.refresh_from_db()
    assert (first.refusal_code, first.end_reason) == ("correction_needed", "发票金额有误")


def test_the_hospital_sees_what_it_may_settle_again_and_settles_a_correction(claim, approver, window):
    claim, (first, second, third) = claim
    api = client_for(approver)
    items = [
        {"id": first.pk, "code": "non_compliant", "reason": "超医保目录用药"},
        {"id": third.pk, "code": "correction_needed", "reason": "合规费用有误"},
    ]
    review = {"decision": "approve", "rejected_settlements": items}
    path = f"/api/v1/settlement-claims/{claim.pk}/review/"
    assert api.post(path, review, content_type="application/json").status_code == 200
    web = client_for(window)
    listed = web.get("/workbench/settlements/").content.decode()
    assert "不合规：不得重新结算" in listed and "退回更正：可重新结算" in listed
    # The non-compliant settlement's page: never again, and no button to settle it.
    page = web.get(f"/workbench/settlements/{first.pk}/").content.decode()
    assert NON_COMPLIANT in page and "救助资金不支付该次住院的费用" in page and 'id="resettle"' not in page
    # The one sent back: its reason, and the way back to the window with its figures filled in.
    page = web.get(f"/workbench/settlements/{third.pk}/").content.decode()
    assert FOR_CORRECTION in page and "合规费用有误" in page
    assert f"/workbench/settlements/window/?correct={third.pk}" in page
    # An approver of the paying county reads the page but settles nothing.
    assert 'id="resettle"' not in client_for(approver).get(f"/workbench/settlements/{third.pk}/").content.decode()
    window_page = web.get(f"/workbench/settlements/window/?id_number={ZHANG}").content.decode()
    assert "该患者在本院被县级拒付的结算" in window_page
    assert "该次住院不得重新结算。" in window_page and f"?correct={third.pk}" in window_page
    correcting = web.get(f"/workbench/settlements/window/?correct={third.pk}").content.decode()
    assert f"正在更正结算 {third.number}" in correcting and "合规费用有误" in correcting
    assert 'value="11000.00"' in correcting and f'value="{third.admission_date.isoformat()}"' in correcting
    assert "data-calculate-now" in correcting
    from aidflow.audit.models import PendingRead

    # The form shows the patient and the stay again: a recorded read of that settlement.
    reads = PendingRead.objects.filter(action="settlement_viewed", actor=window)
    assert reads.filter(details__settlement=third.number).exists()
    # Another settlement's page is not taken up: nothing is filled in.
    assert "正在更正结算" not in web.get(f"/workbench/settlements/window/?correct={second.pk}").content.decode()
    # The non-compliant stay is refused at the window, naming the refused settlement.
    again = web.post("/workbench/settlements/window/", window_form(settle_body(), "confirm"))
    assert again.status_code == 400 and first.number in again.content.decode()
    # The corrected one is settled again and both pages say so.
    body = settle_body(
        admission_date=third.admission_date.isoformat(),
        discharge_date=third.discharge_date.isoformat(),
        eligible_cost="10500.00",
    )
    confirmed = web.post("/workbench/settlements/window/", window_form(body, "confirm"))
    assert confirmed.status_code == 302, confirmed.content.decode()[:2000]
    corrected = Settlement.objects.latest("pk")
    assert corrected.admission_date == third.admission_date and corrected.status == "settled"
    listed = web.get("/workbench/settlements/").content.decode()
    assert f"已重新结算为 {corrected.number}" in listed
    page = web.get(f"/workbench/settlements/{third.pk}/").content.decode()
    assert "已更正并重新结算为" in page and corrected.number in page and 'id="resettle"' not in page
