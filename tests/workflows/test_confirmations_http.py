"""The case page without scripts: a decision that cannot be undone is asked for first and done only
when confirmed with the summary shown; errors are shown beside the fields and summed up above the
form, with what was typed kept, and never as a message that vanishes."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application, StageRecord
from aidflow.notices.models import Notice
from tests.factories import ApplicationFactory, advance
from tests.workflows.helpers import (
    PNG_BYTES,
    client_for,
    complete,
    confirmation_fields,
    current_task,
    post_confirmed,
    township,
)

pytestmark = pytest.mark.django_db


def task_url(application) -> str:
    return f"/workbench/applications/{application.pk}/tasks/{current_task(application).pk}/"


def snackbar(page: str) -> str:
    """The text of the pop-up message (viewflow's snackbar) a page shows, if any."""
    return page.split("<vf-snackbar", 1)[1].split(">", 1)[1].split("</vf-snackbar>", 1)[0].strip()


def unchanged(application, stage: str) -> None:
    """Nothing decided: the stage, no record, no notice, no audit event since `application` was read."""
    fresh = Application.objects.get(pk=application.pk)
    assert (fresh.stage, fresh.status) == (stage, "in_progress")
    assert not StageRecord.objects.filter(application=application, stage=stage).exclude(action="filed").exists()
    assert not Notice.objects.filter(application=application).exists()


@pytest.mark.parametrize(
    ("stage", "who", "form", "asked"),
    [
        ("county_approval", "approver", {"decision": "approve"}, ["确认批准此申请？", "1000.00 元"]),
        ("county_approval", "approver", {"decision": "reject", "reasons": "收入超标"}, ["确认不予批准此申请？"]),
        ("township_review", "reviewer", township("reject", reasons="收入超标"), ["确认认定申请人不符合条件？"]),
    ],
)
def test_a_decision_is_taken_only_once_confirmed(policy, clerk, reviewer, approver, stage, who, form, asked):
    application = advance(ApplicationFactory(user=clerk), to=stage)
    user = {"approver": approver, "reviewer": reviewer}[who]
    web, url = client_for(user), task_url(application)
    events = AuditEvent.objects.count()
    # The form alone: asked, with what will happen - and nothing happens.
    first = web.post(url, form)
    page = first.content.decode()
    assert first.status_code == 200 and "data-confirm-dialog" in page
    assert application.number in page and application.applicant_name in page
    for words in asked:
        assert words in page
    unchanged(application, stage)
    # "Confirmed" without the summary's digest, or with another summary's, is not a confirmation.
    fields = confirmation_fields(first)
    assert web.post(url, {**form, "confirmed": "yes"}).status_code == 200
    stale = web.post(url, {**fields, "confirm_digest": "0" * 64})
    assert stale.status_code == 200 and "您确认的内容已发生变化" in stale.content.decode()
    unchanged(application, stage)
    assert AuditEvent.objects.count() == events
    # The dialog's own form decides.
    assert web.post(url, fields).status_code == 302
    assert Application.objects.get(pk=application.pk).stage == "notice_delivery"


def test_the_amount_confirmed_is_the_amount_awarded(policy, clerk, reviewer, approver):
    """The award is computed on the facts found (INTERFACES section 11): costs excluded on review
    lower it, and the confirmation shows the amount and each exclusion before anything happens."""
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    web, url = client_for(approver), task_url(application)
    at_computed = confirmation_fields(web.post(url, {"decision": "approve"}))
    excluding = {
        "decision": "approve",
        "excluded_stay_1": "0",
        "excluded_amount_1": "1000.00",
        "excluded_reason_1": "超出医保目录的自费药品",
    }
    page = web.post(url, excluding).content.decode()
    assert "800.00 元" in page and "1000.00 元" in page and "超出医保目录的自费药品" in page
    # Confirming the computed amount's summary with an exclusion in the form asks again.
    changed = web.post(url, {**excluding, "confirmed": "yes", "confirm_digest": at_computed["confirm_digest"]})
    assert changed.status_code == 200 and "您确认的内容已发生变化" in changed.content.decode()
    unchanged(application, "county_approval")
    assert post_confirmed(web, url, excluding).status_code == 302
    assert str(Application.objects.get(pk=application.pk).amount) == "800.00"


def test_steps_that_lead_on_to_another_check_are_not_asked(policy, clerk, reviewer):
    application = ApplicationFactory(user=clerk)
    assert client_for(clerk).post(task_url(application), {"decision": "forward"}).status_code == 302
    application.refresh_from_db()
    response = client_for(reviewer).post(task_url(application), township("return", reasons="缺证明", missing="证明"))
    assert response.status_code == 302


def test_a_stage_form_error_stays_with_what_was_typed(policy, clerk, reviewer):
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    response = client_for(reviewer).post(
        task_url(application), {"decision": "reject", "visitors": "刘志强、王村主任", "reasons": "收入超标"}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("data-error-summary") == 1 and 'role="alert"' in page
    assert 'href="#id_visit_date"' in page and 'href="#id_findings"' in page
    assert "刘志强、王村主任" in page and "收入超标" in page  # typed, kept
    assert "这个字段是必填项。" in page or "此字段为必填项。" in page
    assert snackbar(page) == ""  # never a pop-up message, which would vanish
    unchanged(application, "township_review")


def test_a_service_error_lands_beside_its_field(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    response = client_for(approver).post(
        task_url(application),
        {"decision": "approve", "excluded_stay_1": "0", "excluded_amount_1": "60000.00", "excluded_reason_1": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and "超过其合规费用" in page
    assert 'href="#id_excluded_amount_1"' in page and 'value="60000.00"' in page
    unchanged(application, "county_approval")


def test_a_chosen_file_is_asked_for_again_after_an_error(policy, clerk, reviewer):
    application = advance(ApplicationFactory(user=clerk), to="supplement", return_at="township_review")
    response = client_for(clerk).post(
        task_url(application), {"note": "", "kind": "income_proof", "file": SimpleUploadedFile("证明.png", PNG_BYTES)}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "已选择的文件未保留：提交前请重新选择文件。" in page and 'href="#id_file"' in page


def test_a_task_already_handled_says_so_and_stays(policy, clerk):
    application = ApplicationFactory(user=clerk)
    url = task_url(application)
    complete(clerk, application, decision="forward")
    response = client_for(clerk).post(url, {"decision": "forward"})
    page = response.content.decode()
    assert response.status_code == 409 and 'id="page-errors"' in page and "已由" in page


def test_the_payee_form_keeps_what_was_typed(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    url = f"/workbench/applications/{application.pk}/payee/"
    response = client_for(clerk).post(url, {"name": "王秀英", "bank": "德州农商银行", "account": "12ab"})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="payee-errors"' in page
    assert "账号为 10-30 位数字" in page and 'href="#id_account"' in page
    assert "德州农商银行" in page and 'value="12ab"' in page
    Application.objects.get(pk=application.pk, payee_account="")
    ok = client_for(clerk).post(url, {"name": "王秀英", "bank": "德州农商银行", "account": "6228480000000000555"})
    assert ok.status_code == 302


def test_a_withdrawal_is_asked_for_and_its_reason_required(policy, clerk):
    application = ApplicationFactory(user=clerk)
    url = f"/workbench/applications/{application.pk}/withdraw/"
    empty = client_for(clerk).post(url, {"reason": "  "})
    assert empty.status_code == 400 and 'id="withdraw-errors"' in empty.content.decode()
    asked = client_for(clerk).post(url, {"reason": "申请人撤回"})
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认撤回此申请？" in page and "申请人撤回" in page
    assert Application.objects.get(pk=application.pk).status == "in_progress"
    assert post_confirmed(client_for(clerk), url, {"reason": "申请人撤回"}).status_code == 302
    assert Application.objects.get(pk=application.pk).status == "withdrawn"
    # Too late now: said on the page, which stays.
    again = client_for(clerk).post(url, {"reason": "申请人撤回"})
    assert again.status_code == 409 and 'id="page-errors"' in again.content.decode()


def test_a_supplement_needs_no_confirmation(policy, clerk, reviewer):
    application = advance(ApplicationFactory(user=clerk), to="supplement", return_at="township_review")
    supplied = {"note": "已补充", "kind": "income_proof", "file": SimpleUploadedFile("证明.png", PNG_BYTES)}
    assert client_for(clerk).post(task_url(application), supplied).status_code == 302
