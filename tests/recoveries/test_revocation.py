"""Revocation and recovery (INTERFACES section 13), end to end through the API: a revoked approval
leaves the person's annual history, what was paid is owed back by the payee or the hospital, repaid,
offset against the hospital's next claim, or written off with another person's sign-off."""

import csv
import datetime
import io

import pytest
from django.test import Client

from aidflow.audit.models import AuditEvent
from aidflow.notices.models import Notice
from aidflow.recoveries.models import Recovery
from tests.factories import ApplicationFactory, FilingFactory, StayFactory, calculation_request, person, today
from tests.notices.test_notice_law import pdf_text, squeeze
from tests.payments.conftest import approved
from tests.settlements.conftest import settle_body
from tests.workflows.helpers import client_for

# Payments here are about what is owed back once paid, not about who approves a batch.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]
REVOKE = {"reasons": "申请人隐瞒家庭收入，骗取医疗救助", "facts": "经入户复查，申请人家庭另有经营收入每月8000元"}
OTHER_STAY = {"hospital": "陵城区中医院"}


def post(user, path, body):
    return client_for(user).post(path, body, content_type="application/json")


def pay_all(finance):
    """A batch of everything payable, every line paid today; the batch's answer."""
    batch = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert batch.status_code == 201, batch.content
    results = [{"line": line["id"], "status": "paid", "paid_on": today().isoformat()} for line in batch.json()["lines"]]
    answer = post(finance, f"/api/v1/payment-batches/{batch.json()['id']}/results/", {"results": results})
    assert answer.status_code == 200, answer.content
    return batch.json()


def later_calculation(user, order):
    """What a later claim of the same person (another stay) would get now."""
    response = post(
        user, "/api/v1/calculate/", calculation_request(person=person(order), stays=[StayFactory(**OTHER_STAY)])
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_revoking_an_unpaid_approval_frees_the_history_and_owes_nothing(
    policy, clerk, reviewer, approver, finance, auditor, django_capture_on_commit_callbacks, tmp_path
):
    application = approved(clerk, order="201")
    assert later_calculation(approver, "201")["deductible_left"] == "0.00"
    assert post(clerk, f"/api/v1/applications/{application.pk}/revoke/", REVOKE).status_code == 403
    assert post(finance, f"/api/v1/applications/{application.pk}/revoke/", REVOKE).status_code == 403
    missing = post(approver, f"/api/v1/applications/{application.pk}/revoke/", {"reasons": "骗取救助"})
    assert missing.status_code == 400 and list(missing.json()["errors"]) == ["facts"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["kind"], body["reference"], body["amount"], body["paid"], body["recovery"]) == (
        "application",
        application.number,
        "1000.00",
        "0.00",
        None,
    )
    assert "撤〔" in body["notice"]["number"]
    again = post(approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE)
    assert again.status_code == 409
    # The later claim's deductible is whole again: the revoked approval no longer counts.
    assert later_calculation(approver, "201")["deductible_left"] == "12000.00"
    # Never paid now: a batch has nothing to take.
    assert post(finance, "/api/v1/payment-batches/", {"county": "371403"}).status_code == 409
    notice = Notice.objects.get(pk=body["notice"]["id"])
    text = squeeze(pdf_text(notice, tmp_path))
    for words in ("撤销医疗救助决定书", notice.number, "隐瞒家庭收入", "另有经营收入每月8000元", "尚未支付"):
        assert words in text, words
    assert "六十日内" in text and "行政复议" in text and "六个月内" in text and "行政诉讼" in text
    assert notice.verification_code in text
    verified = client_for(auditor).get(f"/api/v1/verify/{notice.verification_code}/").json()
    assert (verified["kind"], verified["decision"], verified["valid"]) == ("revocation", "revoked", True)
    assert client_for(auditor).get(f"/api/v1/notices/{notice.pk}/pdf/").status_code == 200
    assert AuditEvent.objects.filter(action="approval_revoked", application=application).count() == 1


def test_revoking_after_payment_makes_the_payee_owe_it_back_until_repaid(
    policy, clerk, reviewer, approver, finance, other_finance, django_capture_on_commit_callbacks, tmp_path
):
    application = approved(clerk, order="202")
    pay_all(finance)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE)
    assert response.status_code == 200, response.content
    recovery = response.json()["recovery"]
    assert (recovery["debtor_kind"], recovery["amount"], recovery["outstanding"], recovery["status"]) == (
        "payee",
        "1000.00",
        "1000.00",
        "open",
    )
    assert recovery["debtor"] == "王*英"
    text = squeeze(pdf_text(Notice.objects.get(pk=response.json()["notice"]["id"]), tmp_path))
    assert "应予退回" in text and "壹仟元整" in text
    listed = client_for(finance).get("/api/v1/recoveries/").json()
    assert [item["number"] for item in listed["results"]] == [recovery["number"]]
    assert client_for(other_finance).get("/api/v1/recoveries/").json()["results"] == []
    assert client_for(other_finance).get(f"/api/v1/recoveries/{recovery['id']}/").status_code == 404
    entry = {"recovery": recovery["id"], "kind": "repayment", "amount": "400.00", "day": today().isoformat()}
    assert post(approver, "/api/v1/recoveries/", entry).status_code == 403
    assert post(other_finance, "/api/v1/recoveries/", entry).status_code == 404
    too_much = post(finance, "/api/v1/recoveries/", {**entry, "amount": "1000.01"})
    assert too_much.status_code == 400 and "amount" in too_much.json()["errors"]
    first = post(finance, "/api/v1/recoveries/", entry)
    assert first.status_code == 201, first.content
    assert (first.json()["repaid"], first.json()["outstanding"], first.json()["status"]) == ("400.00", "600.00", "open")
    assert post(finance, "/api/v1/recoveries/", {**entry, "amount": "600.01"}).status_code == 400
    rest = post(finance, "/api/v1/recoveries/", {**entry, "amount": "600.00"}).json()
    assert (rest["repaid"], rest["outstanding"], rest["status"]) == ("1000.00", "0.00", "settled")
    assert AuditEvent.objects.filter(action="recovery_repaid").count() == 2
    month = today().strftime("%Y-%m")
    figures = client_for(approver).get("/api/v1/statistics/monthly/", {"region": "371403", "month": month}).json()
    assert figures["recoveries"] == {
        "owed": "1000.00",
        "repaid": "1000.00",
        "offset": "0.00",
        "written_off": "0.00",
        "outstanding": "0.00",
    }
    assert figures["totals"]["aid"] == "0.00"  # the revoked aid no longer counts in the month
    public = Client().get(f"/public/disclosure/371403/{month}/?format=csv").content.decode("utf-8-sig")
    correction = next(row for row in csv.reader(io.StringIO(public)) if "-1000.00" in row)
    assert correction[1] == "王*英" and correction[-1].startswith("撤销") and "撤〔" in correction[-1]
    person_file = client_for(approver).get(f"/api/v1/persons/{person('202')}/").json()
    assert [item["reference"] for item in person_file["revocations"]] == [application.number]
    assert [item["status"] for item in person_file["recoveries"]] == ["settled"]
    assert person_file["history"][0]["aid_granted"] == "0.00"
    # The case's own detail says it was revoked, under which notice, and that nothing is owed now.
    detail = client_for(approver).get(f"/api/v1/applications/{application.pk}/").json()["revocation"]
    assert detail["notice"] == response.json()["notice"]["number"] and detail["reasons"] == REVOKE["reasons"]
    assert (detail["amount"], detail["paid"], detail["recovery"], detail["outstanding"]) == (
        "1000.00",
        "1000.00",
        recovery["number"],
        "0.00",
    )


def test_a_write_off_needs_the_sign_off_of_someone_else(policy, clerk, reviewer, approver, finance, second_finance):
    application = approved(clerk, order="203")
    pay_all(finance)
    recovery = post(approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE).json()["recovery"]
    proposal = {"recovery": recovery["id"], "kind": "write_off", "amount": "1000.00"}
    without_reason = post(finance, "/api/v1/recoveries/", proposal)
    assert without_reason.status_code == 400 and "note" in without_reason.json()["errors"]
    proposed = post(finance, "/api/v1/recoveries/", {**proposal, "note": "申请人死亡，无遗产可供追偿"})
    assert proposed.status_code == 201, proposed.content
    assert (proposed.json()["outstanding"], proposed.json()["entries"][0]["status"]) == ("1000.00", "proposed")
    assert post(second_finance, "/api/v1/recoveries/", {**proposal, "note": "再次"}).status_code == 409
    path = f"/api/v1/recoveries/{recovery['id']}/write-off/"
    # The proposer may not sign off, nor any finance officer.
    assert post(finance, path, {"decision": "approve"}).status_code == 403
    assert post(second_finance, path, {"decision": "approve"}).status_code == 403
    assert post(approver, path, {"decision": "maybe"}).status_code == 400
    signed = post(approver, path, {"decision": "approve"})
    assert signed.status_code == 200, signed.content
    assert (signed.json()["written_off"], signed.json()["outstanding"], signed.json()["status"]) == (
        "1000.00",
        "0.00",
        "settled",
    )
    assert post(approver, path, {"decision": "approve"}).status_code == 409
    assert AuditEvent.objects.filter(action="write_off_approved").count() == 1


def test_the_approver_who_proposed_nothing_cannot_approve_their_own(policy, clerk, reviewer, approver, finance):
    """A person holding both acts never signs off their own proposal (the service checks the person)."""
    from aidflow.core.errors import ActionForbidden
    from aidflow.recoveries.models import EntryKind, EntryStatus, RecoveryEntry
    from aidflow.recoveries.services.entries import write_off_decide

    application = approved(clerk, order="204")
    pay_all(finance)
    recovery = post(approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE).json()["recovery"]
    RecoveryEntry.objects.create(
        recovery_id=recovery["id"],
        kind=EntryKind.WRITE_OFF,
        status=EntryStatus.PROPOSED,
        amount="10.00",
        day=today(),
        note="测试",
        recorded_by=approver,
        recorded_at=application.filed_at,
    )
    with pytest.raises(ActionForbidden):
        write_off_decide(user=approver, pk=recovery["id"], data={"decision": "approve"})
    assert Recovery.objects.get(pk=recovery["id"]).outstanding == 1000


def test_another_county_cannot_revoke(policy, clerk, reviewer, approver, other_approver):
    application = approved(clerk, order="205")
    assert post(other_approver, f"/api/v1/applications/{application.pk}/revoke/", REVOKE).status_code == 404
    unapproved = ApplicationFactory(user=clerk, data=FilingFactory(person=person("206")))
    assert post(approver, f"/api/v1/applications/{unapproved.pk}/revoke/", REVOKE).status_code == 409


def test_a_revoked_paid_settlement_is_offset_in_the_hospitals_next_claim(
    policy, approver, finance, other_approver, window, approved_claim, django_capture_on_commit_callbacks, tmp_path
):
    first = pay_all(finance)
    assert [line["amount"] for line in first["lines"]] == ["5950.00"]
    settlement_id = client_for(approver).get("/api/v1/settlements/").json()["results"][0]["id"]
    path = f"/api/v1/settlements/{settlement_id}/revoke/"
    assert post(window, path, REVOKE).status_code == 403
    assert post(other_approver, path, REVOKE).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = post(approver, path, {**REVOKE, "reasons": "医院虚构住院天数"})
    assert response.status_code == 200, response.content
    recovery = response.json()["recovery"]
    assert (recovery["debtor_kind"], recovery["debtor"], recovery["outstanding"]) == (
        "hospital",
        "陵城区人民医院",
        "5950.00",
    )
    assert post(approver, path, REVOKE).status_code == 409
    settlement = client_for(approver).get(f"/api/v1/settlements/{settlement_id}/").json()
    text = squeeze(pdf_text(Notice.objects.get(pk=response.json()["notice"]["id"]), tmp_path))
    assert "陵城区人民医院" in text and "抵扣" in text and settlement["number"] in text
    # The hospital's next claim: two stays of other people (5950.00 each), less the 5950.00 owed.
    for order in ("301", "302"):
        from aidflow.rolls.services import recipients_import

        recipients_import(
            text="id_number,name,category,region,valid_from,valid_to\n"
            f"{person(order)},赵{order},dibao,371403105201,{(today() - datetime.timedelta(days=400)).isoformat()},\n"
        )
    for order in ("301", "302"):
        settled = post(window, "/api/v1/settlements/", settle_body(person(order), name=f"赵{order}"))
        assert settled.status_code == 201, settled.content
    claim = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")})
    assert claim.status_code == 201, claim.content
    assert (
        post(approver, f"/api/v1/settlement-claims/{claim.json()['id']}/review/", {"decision": "approve"}).status_code
        == 200
    )
    batch = post(finance, "/api/v1/payment-batches/", {"county": "371403"}).json()
    assert [(line["ref"], line["amount"]) for line in batch["lines"]] == [(claim.json()["number"], "5950.00")]
    owed = client_for(finance).get(f"/api/v1/recoveries/{recovery['id']}/").json()
    assert (owed["offset"], owed["outstanding"], owed["status"]) == ("5950.00", "0.00", "settled")
    assert owed["entries"][0]["kind"] == "offset" and owed["entries"][0]["claim"] == claim.json()["number"]
    assert AuditEvent.objects.filter(action="recovery_offset").count() == 1


def test_a_claim_offset_in_full_is_settled_and_does_not_come_back(
    policy, approver, finance, window, approved_claim, django_capture_on_commit_callbacks
):
    from aidflow.rolls.services import recipients_import
    from aidflow.settlements.models import SettlementClaim

    pay_all(finance)
    settlement_id = client_for(approver).get("/api/v1/settlements/").json()["results"][0]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(approver, f"/api/v1/settlements/{settlement_id}/revoke/", REVOKE)
    recovery = response.json()["recovery"]
    assert recovery["outstanding"] == "5950.00"
    # The hospital's next claim is one stay of 5950.00: all of it goes to what the hospital owes.
    recipients_import(
        text="id_number,name,category,region,valid_from,valid_to\n"
        f"{person('303')},赵三,dibao,371403105201,{(today() - datetime.timedelta(days=400)).isoformat()},\n"
    )
    assert post(window, "/api/v1/settlements/", settle_body(person("303"), name="赵三")).status_code == 201
    claim = post(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")}).json()
    assert (
        post(approver, f"/api/v1/settlement-claims/{claim['id']}/review/", {"decision": "approve"}).status_code == 200
    )
    answer = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert answer.status_code == 409  # nothing goes to the bank
    assert "Offset in full" in str(answer.json()) or "全额抵扣" in str(answer.json())
    settled = SettlementClaim.objects.get(pk=claim["id"])
    assert (settled.payment_status, settled.paid_on) == ("paid", today())
    owed = client_for(finance).get(f"/api/v1/recoveries/{recovery['id']}/").json()
    assert (owed["offset"], owed["outstanding"], owed["status"]) == ("5950.00", "0.00", "settled")
    assert [(entry["kind"], entry["claim"]) for entry in owed["entries"]] == [("offset", claim["number"])]
    # The next batch no longer lists the claim as skipped: it is settled.
    again = post(finance, "/api/v1/payment-batches/", {"county": "371403"})
    assert again.status_code == 409 and claim["number"] not in str(again.json())
