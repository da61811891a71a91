"""The login page and each role's home page in a real browser, with screenshots."""

import pytest

from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_page(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#login-submit").inner_text().strip() == "登录"
    assert "医疗救助" in page.content()
    screenshot(page, "shell-login")


def test_wrong_password_shows_an_error(page, clerk):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", clerk.username)
    page.fill("input[name=password]", "not-the-password-1!")
    page.click("#login-submit")
    page.wait_for_load_state("networkidle")
    assert "请输入一个正确的" in page.content()
    screenshot(page, "shell-login-error")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk", "村级经办员"),
        ("reviewer", "乡镇审核员"),
        ("approver", "县级审批员"),
        ("auditor", "审计员"),
        ("admin_user", "系统管理员"),
    ],
)
def test_home_page_per_role(page, request, persona, expected):
    user = request.getfixturevalue(persona)
    log_in(page, user.username, PASSWORD)
    assert page.url.rstrip("/").endswith("/workbench")
    assert page.locator(".af-chip").inner_text().strip() == expected
    assert "您的职责" in page.content()
    screenshot(page, f"shell-home-{persona}")
    # Log out through the menu's form and land on the login page again.
    page.locator(".vf-page__menu-toggle-button").click()
    page.locator("form[action$='/accounts/logout/'] button").click()
    page.wait_for_url("**/accounts/login/")
    assert page.locator("#login-submit").is_visible()
