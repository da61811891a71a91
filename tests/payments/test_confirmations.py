"""The finance screens without scripts: a batch and the bank's results are asked for with their
figures and made only once confirmed; the results file is carried through the confirmation, signed;
its errors name row and column and stay on the page."""

import pytest

from aidflow.audit.models import AuditEvent
from aidflow.payments.models import PaymentBatch, PaymentLine
from tests.factories import excluded, today
from tests.payments.conftest import approved
from tests.payments.test_screens import batch, csv_file  # noqa: F401 - fixture
from tests.workflows.helpers import client_for, confirmation_fields

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]


def test_a_batch_is_made_only_once_its_lines_and_total_are_confirmed(policy, clerk, reviewer, approver, finance):
    approved(clerk, order="251")
    approved(clerk, order="252", excluded_costs=excluded("2000.00"))  # 600.00
    approved(clerk, order="253", with_payee=False)
    web = client_for(finance)
    asked = web.post("/workbench/payments/")
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认生成发放批次？" in page
    assert "2 笔，1600.00 元" in page and "未纳入（缺少收款账户）" in page
    assert not PaymentBatch.objects.exists()
    # Another approval before the confirmation changes the batch: asked again with the new total.
    fields = confirmation_fields(asked)
    approved(clerk, order="254")
    again = web.post("/workbench/payments/", fields)
    page = again.content.decode()
    assert again.status_code == 200 and "您确认的内容已发生变化" in page and "3 笔，2600.00 元" in page
    assert not PaymentBatch.objects.exists()
    assert web.post("/workbench/payments/", confirmation_fields(again)).status_code == 302
    assert (PaymentBatch.objects.get().count, str(PaymentBatch.objects.get().total)) == (3, "2600.00")
    # Nothing left: said on the page, which stays.
    empty = web.post("/workbench/payments/", fields)
    assert empty.status_code == 409 and 'id="payable-errors"' in empty.content.decode()


def test_the_results_are_recorded_only_once_their_counts_are_confirmed(batch, finance):  # noqa: F811
    web = client_for(finance)
    url = f"/workbench/payments/batches/{batch.pk}/"
    rows = [["序号", "状态", "日期", "原因"], [1, "成功", today().isoformat(), ""], [2, "失败", "", "账户冻结"]]
    upload = csv_file(rows)
    asked = web.post(url, {"file": upload})
    page = asked.content.decode()
    assert asked.status_code == 200 and "确认登记银行发放结果？" in page and "results.csv" in page
    assert "1 笔，1000.00 元" in page and "1 笔，600.00 元" in page
    assert not PaymentLine.objects.exclude(status="pending").exists()
    events = AuditEvent.objects.count()
    # The file came back with the confirmation, signed: an altered one is refused and must be chosen again.
    fields = confirmation_fields(asked)
    assert fields["results_file"][0]
    altered = web.post(url, {**fields, "results_file": fields["results_file"][0][:-4] + "AAAA"})
    assert altered.status_code == 400 and "确认已过期：请重新选择文件。" in altered.content.decode()
    assert AuditEvent.objects.count() == events
    assert web.post(url, fields).status_code == 302
    assert dict(PaymentLine.objects.values_list("seq", "status")) == {1: "paid", 2: "failed"}


def test_a_bad_results_file_names_row_and_column_and_stays(batch, finance):  # noqa: F811
    web = client_for(finance)
    url = f"/workbench/payments/batches/{batch.pk}/"
    future = csv_file([["序号", "状态", "日期", "原因"], [1, "成功", "2999-01-01", ""], [2, "失败", "", ""]])
    response = web.post(url, {"file": future})
    page = response.content.decode()
    assert response.status_code == 400 and 'id="results-errors"' in page and 'href="#id_file"' in page
    assert "第2行，日期：" in page and "第3行，原因：" in page
    assert "请改正文件后重新选择文件" in page
    assert "data-confirm-dialog" not in page
    missing = web.post(url, {})
    assert missing.status_code == 400 and "XLSX" in missing.content.decode()
    assert not PaymentLine.objects.exclude(status="pending").exists()
