"""At 390 x 844 (a phone) no screen is wider than the screen: wide tables scroll inside their card."""

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, ApplicationFactory, today
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def overflow(page, path: str) -> int:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    return page.evaluate("() => document.documentElement.scrollWidth")


def test_no_screen_is_wider_than_a_phone(phone, month_set, clerk, approver, auditor, window, finance):  # noqa: F811
    application = ApplicationFactory(user=clerk)
    widths = {}
    for username, paths in (
        (
            "clerk",
            [
                "/workbench/",
                "/workbench/inbox/",
                "/workbench/applications/",
                f"/workbench/applications/{application.pk}/",
                "/workbench/applications/new/",
            ],
        ),
        ("approver", [f"/workbench/reports/monthly/?region=371403&month={today():%Y-%m}", "/workbench/claims/"]),
        ("auditor", ["/workbench/audit/"]),
        ("window", ["/workbench/settlements/window/", "/workbench/settlements/"]),
        ("finance", ["/workbench/payments/"]),
    ):
        phone.context.clear_cookies()
        log_in(phone, username, PASSWORD)
        for path in paths:
            widths[path] = overflow(phone, path)
    screenshot(phone, "phone-payments")
    assert {path: width for path, width in widths.items() if width > 390} == {}
