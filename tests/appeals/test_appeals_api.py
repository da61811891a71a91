"""Reconsideration and lawsuits over the API (INTERFACES section 13): recorded by the county
approver on a delivered decision, within their periods or with a reason; an outcome that revokes or
changes the decision sends the case back to the county, which decides again under a new notice."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone
from viewflow.workflow.models import Task

from aidflow.appeals.models import Appeal
from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application, StageClock
from aidflow.notices.models import Notice
from aidflow.notices.tasks import render_pending_notices
from tests.appeals.helpers import api, appeal_post, delivered_case, needs_pdftotext, outcome_post, pdf_text
from tests.factories import advance, person

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def test_reconsideration_in_time_upheld_leaves_the_case_decided(policy, clerk, reviewer, approver):
    application = delivered_case(clerk, reviewer, approver)
    response = appeal_post(approver, application, received_on=today())
    assert response.status_code == 201, response.content
    body = response.json()
    delivered = timezone.localdate()
    assert body["kind"] == "reconsideration" and body["outcome"] == "" and body["late"] is False
    assert body["period_ends"] == (delivered + datetime.timedelta(days=60)).isoformat()
    assert body["notice"] == Notice.objects.get(application=application, kind="rejection").number

    response = outcome_post(approver, application, body["id"], outcome="upheld", decided_on=today())
    assert response.status_code == 200, response.content
    assert response.json()["outcome"] == "upheld" and response.json()["reopened"] is False
    application.refresh_from_db()
    assert (application.stage, application.status, application.decision) == ("closed", "rejected", "rejected")
    assert application.process.status == "DONE"
    appeal = Appeal.objects.get()
    assert appeal.decision_document.kind == "appeal_decision" and appeal.decision_document.sha256
    # A second outcome of the same appeal is refused.
    again = outcome_post(approver, application, body["id"], outcome="changed", decided_on=today())
    assert again.status_code == 409
    # The case's detail lists the appeal with its outcome.
    detail = api(approver).get(f"/api/v1/applications/{application.pk}/").json()
    assert [(item["id"], item["kind"], item["outcome"], item["reopened"]) for item in detail["appeals"]] == [
        (body["id"], "reconsideration", "upheld", False)
    ]
    assert detail["revocation"] is None
    # Both steps are in the case's history.
    history = api(approver).get(f"/api/v1/applications/{application.pk}/history/").json()
    actions = [event["action"] for event in history]
    assert "appeal_recorded" in actions and "appeal_decided" in actions


@needs_pdftotext
def test_lawsuit_changed_reopens_the_case_with_a_new_clock_and_notice(
    policy, clerk, reviewer, approver, tmp_path, django_capture_on_commit_callbacks
):
    application = delivered_case(clerk, reviewer, approver)
    old = Notice.objects.get(application=application, kind="rejection")
    clocks_before = StageClock.objects.filter(application=application).count()
    created = appeal_post(
        approver,
        application,
        kind="lawsuit",
        received_on=today(),
        body="德州市陵城区人民法院",
        case_number="(2026)鲁1403行初5号",
    )
    assert created.status_code == 201, created.content
    assert created.json()["period_ends"] > (timezone.localdate() + datetime.timedelta(days=170)).isoformat()
    changed = outcome_post(approver, application, created.json()["id"], outcome="changed", decided_on=today())
    assert changed.status_code == 200, changed.content
    assert changed.json()["reopened"] is True

    # Back at the county, open again, with a new clock on a new county approval task.
    detail = api(approver).get(f"/api/v1/applications/{application.pk}/").json()
    assert (detail["stage"], detail["status"], detail["decision"], detail["amount"]) == (
        "county_approval",
        "in_progress",
        None,
        None,
    )
    open_tasks = [task for task in detail["tasks"] if task["status"] == "open"]
    assert len(open_tasks) == 1 and open_tasks[0]["stage"] == "county_approval" and open_tasks[0]["due_date"]
    assert StageClock.objects.filter(application=application).count() == clocks_before + 1
    clock = StageClock.objects.get(application=application, outcome="open")
    assert clock.stage == "county_approval" and clock.due_date is not None
    assert Application.objects.get(pk=application.pk).process.status == "NEW"
    # The approver's inbox has it again; no further appeal while the case is open.
    assert any(task["id"] == open_tasks[0]["id"] for task in api(approver).get("/api/v1/tasks/").json()["results"])
    assert appeal_post(approver, application, received_on=today()).status_code == 409

    # The county decides again: an approval, on a new notice that replaces the refusal.
    with django_capture_on_commit_callbacks(execute=True):
        response = api(approver).post(
            f"/api/v1/tasks/{open_tasks[0]['id']}/complete/", {"decision": "approve"}, format="json"
        )
    assert response.status_code == 200, response.content
    assert (response.json()["stage"], response.json()["status"]) == ("notice_delivery", "approved")
    notices = api(approver).get(f"/api/v1/applications/{application.pk}/notices/").json()
    new = [notice for notice in notices if notice["kind"] == "approval"]
    assert len(new) == 1 and new[0]["number"] != old.number
    assert Notice.objects.get(pk=new[0]["id"]).replaces_id == old.pk
    pdf = api(approver).get(f"/api/v1/notices/{new[0]['id']}/pdf/")
    text = pdf_text(b"".join(pdf.streaming_content) if pdf.streaming else pdf.content, tmp_path)
    assert "准予医疗救助决定书" in text and new[0]["number"] in text
    assert f"替代{old.number}" in text and "德州市陵城区人民法院" in text
    # The old notice no longer verifies as in force.
    verified = api(approver).get(f"/api/v1/verify/{old.verification_code}/").json()
    assert verified["valid"] is False and verified["number"] == old.number

    # Delivered again, the case is closed and the process finished once more.
    render_pending_notices(older_than_seconds=0)
    task = next(task for task in response.json()["tasks"] if task["status"] == "open")
    delivered = api(reviewer).post(
        f"/api/v1/tasks/{task['id']}/complete/",
        {"delivered_on": today(), "method": "in_person", "recipient": application.applicant_name},
        format="json",
    )
    assert delivered.status_code == 200, delivered.content
    application.refresh_from_db()
    assert (application.stage, application.status) == ("closed", "approved")
    assert application.process.status == "DONE"
    assert Task.objects.filter(process_id=application.process_id, status="NEW").count() == 0


def test_reconsideration_past_sixty_days_needs_a_reason(policy, clerk, reviewer, approver):
    application = delivered_case(clerk, reviewer, approver)
    delivered = timezone.localdate()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=70), tick=True):
        late = timezone.localdate().isoformat()
        refused = appeal_post(approver, application, received_on=late)
        assert refused.status_code == 400
        assert "received_on" in refused.json()["errors"]
        assert (delivered + datetime.timedelta(days=60)).isoformat() in refused.json()["errors"]["received_on"][0]
        assert not Appeal.objects.exists()
        # A lawsuit on the same day is well within its six months.
        assert appeal_post(approver, application, kind="lawsuit", received_on=late).status_code == 201
        accepted = appeal_post(approver, application, received_on=late, late_reason="申请人住院治疗，耽误申请期限")
        assert accepted.status_code == 201, accepted.content
        assert accepted.json()["late"] is True and accepted.json()["late_reason"].startswith("申请人住院")


def test_refused_before_delivery_in_the_future_and_with_bad_input(policy, clerk, reviewer, approver):
    application = delivered_case(clerk, reviewer, approver, to="notice_delivery")
    response = appeal_post(approver, application, received_on=today())
    assert response.status_code == 409 and "received_on" in response.json()["errors"]
    application = advance(application, reviewer=reviewer)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = appeal_post(approver, application, received_on=tomorrow)
    assert response.status_code == 400 and "received_on" in response.json()["errors"]
    response = appeal_post(approver, application, kind="appeal", received_on=today(), body="", case_number="")
    assert response.status_code == 400 and {"kind", "body", "case_number"} <= set(response.json()["errors"])
    created = appeal_post(approver, application, received_on=today()).json()
    # The outcome needs its document, a real one.
    url = f"/api/v1/applications/{application.pk}/appeals/{created['id']}/outcome/"
    response = api(approver).post(url, {"outcome": "upheld", "decided_on": today()}, format="multipart")
    assert response.status_code == 400 and "document" in response.json()["errors"]
    assert not AuditEvent.objects.filter(action="appeal_decided").exists()
    response = outcome_post(approver, application, created["id"], outcome="upheld", decided_on=tomorrow)
    assert response.status_code == 400 and "decided_on" in response.json()["errors"]
    assert Appeal.objects.get(pk=created["id"]).decision_document is None


def test_only_the_county_approver_of_the_county(policy, clerk, reviewer, approver, auditor, outsider):
    application = delivered_case(clerk, reviewer, approver)
    for user in (clerk, reviewer, auditor):
        assert appeal_post(user, application, received_on=today()).status_code == 403
    assert appeal_post(outsider, application, received_on=today()).status_code == 404
    created = appeal_post(approver, application, received_on=today()).json()
    for user in (clerk, reviewer, auditor):
        assert outcome_post(user, application, created["id"], outcome="revoked", decided_on=today()).status_code == 403
    assert outcome_post(outsider, application, created["id"], outcome="revoked", decided_on=today()).status_code == 404
    assert outcome_post(approver, application, 999999, outcome="revoked", decided_on=today()).status_code == 404
    assert Appeal.objects.get().outcome == ""
    application.refresh_from_db()
    assert application.stage == "closed"


def test_statistics_count_appeals_per_county_kind_and_outcome(policy, clerk, reviewer, approver):
    first = delivered_case(clerk, reviewer, approver)
    second = delivered_case(clerk, reviewer, approver, data__person=person("002"))
    one = appeal_post(approver, first, received_on=today()).json()
    appeal_post(approver, second, kind="lawsuit", received_on=today())
    outcome_post(approver, first, one["id"], outcome="withdrawn", decided_on=today())
    month = timezone.localdate().strftime("%Y-%m")
    body = api(approver).get("/api/v1/statistics/monthly/", {"region": "371403", "month": month}).json()
    appeals = body["appeals"]
    assert appeals["received"] == {"reconsideration": 1, "lawsuit": 1}
    assert appeals["decided"]["reconsideration"]["withdrawn"] == 1
    assert sum(appeals["decided"]["lawsuit"].values()) == 0
    assert appeals["by_county"]["371403"]["received"]["lawsuit"] == 1
    assert appeals["by_county"]["371403"]["name"]
    workbook = api(approver).get("/api/v1/statistics/monthly.xlsx", {"region": "371403", "month": month})
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(workbook.streaming_content) if workbook.streaming else workbook.content))[
        "复议诉讼"
    ]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["代码", "名称", "行政复议收到", "行政诉讼收到"]
    assert rows[1][0] == "371403" and rows[1][2:4] == [1, 1] and rows[-1][1] == "合计"
    assert rows[-1][rows[0].index("行政复议撤回")] == 1


def test_a_revoked_approval_leaves_the_ledger_and_one_in_a_payment_batch_is_refused(
    policy, clerk, reviewer, approver, regions
):
    from aidflow.cases.models import AidLedgerRow
    from tests.factories import ApplicationFactory, FilingFactory, make_staff
    from tests.payments.conftest import payee

    unpaid = delivered_case(clerk, reviewer, approver, refused=False)
    assert AidLedgerRow.objects.filter(application=unpaid).exists()
    created = appeal_post(approver, unpaid, kind="lawsuit", received_on=today()).json()
    revoked = outcome_post(approver, unpaid, created["id"], outcome="revoked", decided_on=today())
    assert revoked.status_code == 200, revoked.content
    unpaid.refresh_from_db()
    assert (unpaid.stage, unpaid.status, unpaid.amount) == ("county_approval", "in_progress", None)
    # The approval set aside no longer counts as aid; the county decides again.
    assert not AidLedgerRow.objects.filter(application=unpaid).exists()
    unpaid = advance(
        unpaid, approver=approver, reviewer=reviewer, reject_at="county_approval", reasons="重新核实不符合条件"
    )
    assert (unpaid.stage, unpaid.status) == ("closed", "rejected")
    assert Notice.objects.get(application=unpaid, kind="rejection").replaces.kind == "approval"

    finance = make_staff("finance", "county_finance", "371403", "郑红")
    filing = FilingFactory(person=person("031"), payee=payee())
    batched = advance(ApplicationFactory(user=clerk, data=filing), clerk=clerk, reviewer=reviewer, approver=approver)
    batch = api(finance).post("/api/v1/payment-batches/", {"county": "371403"}, format="json")
    assert batch.status_code == 201, batch.content
    created = appeal_post(approver, batched, received_on=today()).json()
    refused = outcome_post(approver, batched, created["id"], outcome="changed", decided_on=today())
    assert refused.status_code == 409 and "outcome" in refused.json()["errors"]
    batched.refresh_from_db()
    assert (batched.stage, batched.status, batched.payment_status) == ("closed", "approved", "in_batch")
    assert Appeal.objects.get(pk=created["id"]).outcome == ""


def test_the_schema_describes_the_appeal_endpoints(approver):
    schema = api(approver).get("/api/v1/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/applications/{id}/appeals/"]["post"]
    outcome = schema["paths"]["/api/v1/applications/{id}/appeals/{appeal_pk}/outcome/"]["post"]
    assert set(create["requestBody"]["content"]) == {"application/json"}
    assert set(outcome["requestBody"]["content"]) == {"multipart/form-data"}
    assert {"201", "400", "403", "404", "409"} <= set(create["responses"])
