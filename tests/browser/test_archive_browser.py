"""The archive from the screens, in Chromium: the case page's 打印档案 button opens the dossier PDF;
the month picker downloads a county's ZIP, and a bad month is refused naming the field."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, ApplicationFactory, advance, today

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_print_the_dossier_and_export_the_month(page, policy, clerk, reviewer, approver, auditor):
    application = advance(ApplicationFactory(user=clerk), to="closed")
    log_in(page, auditor.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    button = page.get_by_role("link", name="打印档案")
    expect(button).to_be_visible()
    screenshot(page, "case-print-dossier")
    response = page.request.get(button.get_attribute("href"))
    assert response.status == 200 and response.body().startswith(b"%PDF-")

    page.goto("/workbench/archive/")
    expect(page.get_by_role("heading", name="月度档案导出")).to_be_visible()
    page.fill("#archive-month", today().strftime("%Y-%m"))
    screenshot(page, "archive-month-picker")
    with page.expect_download() as download:
        page.get_by_role("button", name="下载档案包（ZIP）").click()
    assert download.value.suggested_filename == f"371403-{today():%Y-%m}-案卷.zip"

    page.goto("/workbench/archive/export.zip?county=371403&month=2026-13")
    expect(page.locator("#error-month")).to_contain_text("月份格式为 YYYY-MM")
    screenshot(page, "archive-month-error")
