"""The desks in a real Chromium at 1280 and 390 px: the approver's home page with a claim to review
and a month to sign off, finance's with a failed payment and an open batch, the village clerk's with
the failed payment, whose notification leads to the case page's alert; no page wider than a phone,
no serious accessibility violation (axe-core, when installed)."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from aidflow.payments.models import PaymentBatch
from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, today
from tests.payments.conftest import approved, finance  # noqa: F401 - fixture
from tests.reports.test_desks import settle_today
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for, post_confirmed

# After the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("one_signature")]
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
REASON = "账户已冻结，请更换一卡通"


@pytest.fixture
def desks(settings, policy, clerk, reviewer, approver, window, finance):  # noqa: F811
    """A claim waiting for the approver, this month ready to sign off, and a batch whose first line
    the bank returned."""
    settings.MONTHLY_REPORT_DAY = 1
    settle_today(window)
    month = today().strftime("%Y-%m")
    client_for(window).post("/api/v1/settlement-claims/", {"month": month}, content_type="application/json")
    failed = approved(clerk, order="601")
    approved(clerk, order="602")
    web = client_for(finance)
    post_confirmed(web, "/workbench/payments/", {})
    batch = PaymentBatch.objects.get()
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["序号", "状态", "日期", "原因"], [batch.lines.get(application=failed).seq, "失败", "", REASON]]
    )
    upload = SimpleUploadedFile("results.csv", buffer.getvalue().encode("utf-8"), content_type="text/csv")
    assert post_confirmed(web, f"/workbench/payments/batches/{batch.pk}/", {"file": upload}).status_code == 302
    approved(clerk, order="603")  # approved after the batch: not paid yet
    return failed


def test_the_desks_at_both_sizes(chromium, live_server, desks):
    axe = axe_source()
    found, widths = {}, {}
    for size, (width, height) in SIZES.items():
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale="zh-CN"
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        for user, sections in (
            ("approver", ["claims-to-review", "months-to-sign-off"]),
            ("finance", ["not-paid", "payments-failed", "batches-open"]),
            ("clerk", ["payments-failed"]),
        ):
            page.context.clear_cookies()
            log_in(page, user, PASSWORD)
            for path, name in (("/workbench/", "home"), ("/workbench/inbox/", "inbox")):
                page.goto(path)
                page.wait_for_load_state("networkidle")
                for key in sections:
                    expect(page.locator(f"#desk-{key}")).to_be_visible()
                screen = f"desk-{user}-{name}-{size}"
                screenshot(page, screen)
                widths[screen] = page.evaluate("() => document.documentElement.scrollWidth")
                found[screen] = violations(page, screen, axe) if axe else []
        # The clerk follows the bell to the notification and on to the case page's alert.
        page.goto("/workbench/notifications/")
        page.get_by_role("link", name=desks.number).first.click()
        page.wait_for_load_state("networkidle")
        alert = page.locator("#payment-failed")
        expect(alert).to_be_visible()
        expect(alert).to_contain_text(REASON)
        alert.get_by_role("link", name="更正收款账户").click()
        expect(page.locator("#payee input[name=account]")).to_be_in_viewport()
        screenshot(page, f"desk-clerk-case-{size}")
        widths[f"case-{size}"] = page.evaluate("() => document.documentElement.scrollWidth")
        context.close()
    assert {name: width for name, width in widths.items() if name.endswith("phone") and width > 390} == {}
    assert_none(found, "axe-desks")
