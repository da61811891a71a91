"""Files as offices have them, in a real Chromium at 1280 and 390 px: the finance officer downloads
the pre-filled results form, uploads a GBK CSV whose bad rows stay on the page naming row and
column, corrects it, and exports the month's payments with 导出 Excel."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from aidflow.audit.models import AuditEvent
from aidflow.payments.models import PaymentLine
from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import log_in, screenshot, submit_and_confirm
from tests.factories import PASSWORD, today
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.payments.test_files import batch  # noqa: F401 - fixture

# After the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("one_signature")]


def gbk_csv(rows: str) -> dict:
    return {"name": "银行结果.csv", "mimeType": "text/csv", "buffer": rows.encode("gbk")}


@pytest.mark.parametrize("width", [1280, 390])
def test_results_form_gbk_upload_errors_that_stay_and_an_export(
    chromium,
    live_server,
    batch,  # noqa: F811
    finance,  # noqa: F811
    width,
):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    axe = axe_source()
    log_in(page, "finance", PASSWORD)
    page.goto(f"/workbench/payments/batches/{batch.pk}/")

    # The form beside the upload, pre-filled with the batch's line numbers.
    with page.expect_download() as download:
        page.get_by_test_id("results-template-xlsx").click()
    form = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [row[0] for row in form.worksheets[0].iter_rows(min_row=2, values_only=True)] == [1, 2]

    # Chinese Excel's CSV (GBK) with a day in the future: nothing recorded, the errors stay.
    late = today().replace(year=today().year + 1).isoformat()
    page.set_input_files("input[name=file]", gbk_csv(f"序号,状态,日期,原因\r\n1,成功,{late},\r\n2,失败,,\r\n"))
    page.get_by_role("button", name="登记结果").click()
    page.wait_for_load_state("networkidle")
    errors = page.locator("#results-errors")
    expect(errors).to_contain_text("第2行，日期：")
    expect(errors).to_contain_text("第3行，原因：")
    page.wait_for_timeout(6000)  # a snackbar would be gone by now
    expect(errors).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    screenshot(page, f"results-errors-{width}")
    found = {"results-errors": violations(page, "results-errors", axe)} if axe else {}
    assert not PaymentLine.objects.exclude(status="pending").exists()

    # Corrected, the same kind of file is recorded.
    day = today()
    page.set_input_files(
        "input[name=file]",
        gbk_csv(f"序号,状态,日期,原因\r\n1,成功,{day.year}/{day.month}/{day.day},\r\n2,失败,,账户已冻结\r\n"),
    )
    submit_and_confirm(page, "#results-submit")  # the counts are confirmed before anything is recorded
    assert dict(PaymentLine.objects.values_list("seq", "status")) == {1: "paid", 2: "failed"}

    # The month's payments, exported from the report screen.
    page.goto(f"/workbench/payments/report/?month={day:%Y-%m}")
    screenshot(page, f"payment-report-{width}")
    if axe:
        found["payment-report"] = violations(page, "payment-report", axe)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    lines = load_workbook(io.BytesIO(download.value.path().read_bytes()))["明细"]
    assert [row[8] for row in lines.iter_rows(min_row=2, values_only=True) if row[1] == 2] == ["账户已冻结"]
    assert AuditEvent.objects.filter(action="list_exported", actor=finance).count() == 1
    context.close()
    assert_none(found, f"axe-files-{width}")
