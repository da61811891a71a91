"""The printed forms from the screens, in Chromium at 1280 and 390 px: the case page's two print
buttons, reached from the keyboard, open the 申请审批表 and the 入户调查表 (PDFs); the township
reviewer's home and inbox offer the blank survey form."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD, ApplicationFactory, advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pdf_at(page, href: str) -> bytes:
    """What the link opens, fetched with the signed-in browser's cookies."""
    response = page.request.get(href)
    assert response.status == 200 and response.headers["content-type"] == "application/pdf", href
    return response.body()


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_print_the_forms_from_the_case_page(chromium, live_server, policy, clerk, reviewer, width, height):
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": width, "height": height}, locale="zh-CN", is_mobile=width < 500
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    try:
        log_in(page, reviewer.username, PASSWORD)
        page.wait_for_url(lambda url: "/accounts/login" not in url)  # signed in before going on
        page.goto(f"/workbench/applications/{application.pk}/")
        form = page.get_by_role("link", name="打印申请审批表")
        survey = page.get_by_role("link", name="打印入户调查表")
        expect(form).to_be_visible()
        expect(survey).to_be_visible()
        form.focus()
        expect(form).to_be_focused()
        page.keyboard.press("Tab")
        expect(survey).to_be_focused()
        screenshot(page, f"case-print-links-{width}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert pdf_at(page, form.get_attribute("href")).startswith(b"%PDF-")
        assert pdf_at(page, survey.get_attribute("href")).startswith(b"%PDF-")

        for where in ("/workbench/", "/workbench/inbox/"):
            page.goto(where)
            blank = page.get_by_role("link", name="空白入户调查表").first
            expect(blank).to_be_visible()
            assert pdf_at(page, blank.get_attribute("href")).startswith(b"%PDF-")
            screenshot(page, f"reviewer-{where.strip('/').replace('/', '-')}-survey-{width}")
    finally:
        context.close()
