"""A failed payment and a changed payee account reach the village clerk who acts on them: a
notification (the bell) for the clerks of the case's village and nobody outside it, and the case page
showing the failure with the bank's reason and what to do."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aidflow.cases.models import Notification
from aidflow.payments.models import PaymentBatch
from tests.factories import BEIJIE, excluded, make_staff, today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for, post_confirmed

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]

REASON = "账户已冻结"


def results_file(rows) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["序号", "状态", "日期", "原因"], *rows])
    return SimpleUploadedFile("results.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")


@pytest.fixture
def second_clerk(regions):
    """Another clerk of the same village (北街村): hears of its payments too."""
    return make_staff("clerk_b", "village_clerk", BEIJIE, "赵丽")


@pytest.fixture
def everyone(clerk, second_clerk, neighbour_clerk, far_clerk, reviewer, approver, auditor, finance, other_finance):
    return [clerk, second_clerk, neighbour_clerk, far_clerk, reviewer, approver, auditor, finance, other_finance]


@pytest.fixture
def paid_and_failed(policy, clerk, reviewer, approver, finance, everyone):
    """Two approved cases of 北街村 in one batch: line 1 paid, line 2 failed with the bank's reason."""
    paid = approved(clerk, order="301")
    failed = approved(clerk, order="302", excluded_costs=excluded("2000.00"))
    web = client_for(finance)
    post_confirmed(web, "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    lines = {line.application_id: line.seq for line in batch.lines.all()}
    upload = results_file([[lines[paid.pk], "成功", today().isoformat(), ""], [lines[failed.pk], "失败", "", REASON]])
    response = post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload})
    assert response.status_code == 302
    return paid, failed, batch


def test_a_failed_line_notifies_the_clerks_of_that_village_and_nobody_else(paid_and_failed, everyone):
    _paid, failed, batch = paid_and_failed
    clerk = everyone[0]
    told = Notification.objects.filter(kind="pay_failed")
    assert sorted(told.values_list("recipient__username", flat=True)) == ["clerk", "clerk_b"]
    assert set(told.values_list("application_id", flat=True)) == {failed.pk}  # the paid line tells nobody
    assert Notification.objects.count() == 2  # no one outside the village heard anything
    text = told.first().text
    assert failed.number in text and REASON in text and "600.00" in text and batch.number in text
    # The bell counts it, and the notification links to the case.
    web = client_for(clerk)
    home = web.get("/workbench/").content.decode()
    assert 'class="af-bell__count">1<' in home
    page = web.get("/workbench/notifications/").content.decode()
    assert f'href="/workbench/applications/{failed.pk}/"' in page and REASON in page and "发放失败" in page


def test_the_case_page_shows_the_failure_with_its_reason_and_what_to_do(paid_and_failed, clerk, finance):
    paid, failed, batch = paid_and_failed
    page = client_for(clerk).get(f"/workbench/applications/{failed.pk}/").content.decode()
    alert = page[page.index('id="payment-failed"') :]
    alert = alert[: alert.index("</section>")]
    assert "救助金发放失败" in alert and REASON in alert and batch.number in alert and "600.00" in alert
    assert "核对账户" in alert and 'href="#payee"' in alert  # what to do, and the form to do it
    assert 'id="payee"' in page
    # Finance sees the failure too (it records payees as well); the paid case shows none.
    assert 'id="payment-failed"' in client_for(finance).get(f"/workbench/applications/{failed.pk}/").content.decode()
    assert 'id="payment-failed"' not in client_for(clerk).get(f"/workbench/applications/{paid.pk}/").content.decode()


def test_a_rejected_results_file_notifies_nobody(policy, clerk, reviewer, approver, finance, everyone):
    failed = approved(clerk, order="303")
    web = client_for(finance)
    post_confirmed(web, "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    seq = batch.lines.get(application=failed).seq
    bad = results_file([[seq, "失败", "", REASON], [99, "成功", today().isoformat(), ""]])
    post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": bad})
    assert not Notification.objects.exists()


def test_correcting_a_failed_payee_notifies_the_village_and_finance(paid_and_failed, everyone):
    _paid, failed, _batch = paid_and_failed
    clerk = everyone[0]
    Notification.objects.all().delete()
    web = client_for(clerk)
    response = web.post(
        f"/workbench/applications/{failed.pk}/payee/",
        {"name": "王秀英", "bank": "德州农商银行", "account": "6228 4800 0000 0000 999"},
    )
    assert response.status_code == 302
    told = Notification.objects.filter(kind="payee", application=failed)
    # Not the clerk who made the change; the other clerk of the village, and finance (it pays again).
    assert sorted(told.values_list("recipient__username", flat=True)) == ["clerk_b", "finance"]
    assert Notification.objects.count() == 2
    text = told.first().text
    assert failed.number in text and "0999" in text and "6228480000000000999" not in text  # masked
    assert "重新发放" in text
    # The case page now says the account was corrected and waits for the next batch.
    page = web.get(f"/workbench/applications/{failed.pk}/").content.decode()
    alert = page[page.index('id="payment-failed"') :]
    assert "收款账户已更正" in alert[: alert.index("</section>")]


def test_finance_changing_a_payee_tells_the_village_clerks(policy, clerk, reviewer, approver, finance, everyone):
    application = approved(clerk, order="304")
    response = client_for(finance).post(
        f"/workbench/applications/{application.pk}/payee/",
        {"name": "王秀英", "bank": "德州银行", "account": "6228480000000000555"},
    )
    assert response.status_code == 302
    told = Notification.objects.filter(kind="payee", application=application)
    assert sorted(told.values_list("recipient__username", flat=True)) == ["clerk", "clerk_b"]
    assert Notification.objects.count() == 2
    assert "郑红" in told.first().text  # who changed it
    assert "重新发放" not in told.first().text  # nothing had failed
    # Outside the village's scope nothing is told, and another county's finance cannot change it.
    assert client_for(everyone[-1]).post(
        f"/workbench/applications/{application.pk}/payee/",
        {"name": "王秀英", "bank": "德州银行", "account": "6228480000000000666"},
    ).status_code in (403, 404)
    assert Notification.objects.count() == 2
