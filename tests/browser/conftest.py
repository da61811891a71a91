"""A real Chromium (Debian's /usr/bin/chromium) driven by Playwright, against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("needs Chromium: apt-get install chromium (scripts/test.sh installs it as root)")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def log_in(page, username: str, password: str) -> None:
    """Sign in and wait until the browser has left the sign-in page (on a busy machine the network
    can be idle before the redirect after the sign-in arrives)."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("#login-submit")
    page.wait_for_url(lambda url: "/accounts/login/" not in url, timeout=20000)
    page.wait_for_load_state("networkidle")


def confirm_dialog(page):
    """The confirmation dialog a screen asks with before an irreversible action, once it is open."""
    dialog = page.locator("dialog[data-confirm-dialog][open]")
    dialog.wait_for()
    return dialog


def submit_and_confirm(page, button: str) -> None:
    """Press `button`, then the confirmation dialog's button when the screen asks for one."""
    with page.expect_navigation():
        page.click(button)
    if page.locator("dialog[data-confirm-dialog][open]").count():
        with page.expect_navigation():
            page.click("dialog[data-confirm-dialog] [data-confirm-accept]")
    page.wait_for_load_state("networkidle")
