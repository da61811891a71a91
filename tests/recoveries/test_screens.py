"""The revocation and recovery screens: the approver's revoke form on the case page and on the
settlement page (asked to confirm first), the recoveries' list and detail where finance records a
repayment and proposes a write-off, and the approver's sign-off; wrong roles and counties refused."""

import pytest

from aidflow.recoveries.models import Recovery
from tests.factories import person
from tests.payments.conftest import approved
from tests.recoveries.test_revocation import REVOKE, pay_all
from tests.workflows.helpers import client_for, confirmation_fields, post_confirmed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]
FORM = {"reasons": REVOKE["reasons"], "facts": REVOKE["facts"]}


def test_the_approver_revokes_a_paid_case_on_its_page_and_finance_recovers_it(
    policy, clerk, reviewer, approver, finance, second_finance, other_finance, auditor
):
    application = approved(clerk, order="211")
    pay_all(finance)
    page = client_for(approver).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert 'id="revoke"' in page and "撤销" in page
    assert 'id="revoke"' not in client_for(finance).get(f"/workbench/applications/{application.pk}/").content.decode()
    url = f"/workbench/applications/{application.pk}/revoke/"
    assert client_for(clerk).post(url, FORM).status_code == 403
    empty = client_for(approver).post(url, {"reasons": "", "facts": ""})
    assert empty.status_code == 400 and 'id="revoke-errors"' in empty.content.decode()
    asked = client_for(approver).post(url, FORM)
    assert asked.status_code == 200 and confirmation_fields(asked)
    assert not Recovery.objects.exists()  # nothing happens before the confirmation
    done = post_confirmed(client_for(approver), url, FORM)
    assert done.status_code == 302
    page = client_for(approver).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert 'id="revocation"' in page and REVOKE["facts"] in page and "撤销医疗救助决定书" not in page
    recovery = Recovery.objects.get()
    listing = client_for(finance).get("/workbench/recoveries/").content.decode()
    assert recovery.number in listing and "王*英" in listing and "王秀英" not in listing
    assert recovery.number not in client_for(other_finance).get("/workbench/recoveries/").content.decode()
    assert client_for(other_finance).get(f"/workbench/recoveries/{recovery.pk}/").status_code == 404
    detail = f"/workbench/recoveries/{recovery.pk}/"
    too_much = client_for(finance).post(detail, {"kind": "repayment", "amount": "1200.00"})
    assert too_much.status_code == 400 and 'id="entry-errors"' in too_much.content.decode()
    assert client_for(finance).post(detail, {"kind": "repayment", "amount": "300.00"}).status_code == 302
    proposed = client_for(finance).post(detail, {"kind": "write_off", "amount": "700.00", "note": "无力偿还"})
    assert proposed.status_code == 302
    # The proposer sees no sign-off form and may not sign off; the approver does.
    assert 'id="decision-submit"' not in client_for(finance).get(detail).content.decode()
    assert client_for(finance).post(detail, {"decision": "approve"}).status_code == 403
    assert client_for(second_finance).post(detail, {"decision": "approve"}).status_code == 403
    assert 'id="decision-submit"' in client_for(approver).get(detail).content.decode()
    assert client_for(approver).post(detail, {"decision": "approve"}).status_code == 302
    recovery.refresh_from_db()
    assert (recovery.repaid, recovery.written_off, recovery.outstanding, recovery.status) == (300, 700, 0, "settled")
    shown = client_for(auditor).get(detail).content.decode()
    assert "已结清" in shown or recovery.get_status_display() in shown
    person_page = client_for(approver).get(f"/workbench/persons/{person('211')}/").content.decode()
    assert recovery.number in person_page and application.number in person_page


def test_the_approver_revokes_a_settlement_on_its_page(
    policy, approver, other_approver, finance, window, approved_claim
):
    pay_all(finance)
    settlement_id = client_for(approver).get("/api/v1/settlements/").json()["results"][0]["id"]
    page = client_for(approver).get(f"/workbench/settlements/{settlement_id}/").content.decode()
    assert 'id="revoke"' in page
    url = f"/workbench/settlements/{settlement_id}/revoke/"
    assert client_for(window).post(url, FORM).status_code == 403
    assert client_for(other_approver).post(url, FORM).status_code == 404
    assert post_confirmed(client_for(approver), url, FORM).status_code == 302
    page = client_for(approver).get(f"/workbench/settlements/{settlement_id}/").content.decode()
    assert 'id="revocation"' in page and "陵城区人民医院" in page
    assert Recovery.objects.get().debtor_kind == "hospital"
