"""The Content-Security-Policy the pages actually satisfy: a real Chromium visits every kind of
screen with the policy on and records any violation the browser reports."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import PASSWORD, ApplicationFactory, today
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


def visit(page, path: str) -> list[str]:
    response = page.goto(path)
    assert response.status < 400, (path, response.status)
    assert "script-src 'self'" in response.headers.get("content-security-policy", ""), path
    page.wait_for_load_state("networkidle")
    return page.evaluate("window.__violations")


def test_every_screen_runs_under_the_policy(page, month_set, clerk, reviewer, approver, auditor, window, finance):  # noqa: F811
    page.add_init_script(RECORD)
    violations = {}
    application = ApplicationFactory(user=clerk)
    log_in(page, "clerk", PASSWORD)
    for path in (
        "/workbench/",
        "/workbench/inbox/",
        "/workbench/applications/",
        f"/workbench/applications/{application.pk}/",
    ):
        violations[path] = visit(page, path)
    violations["filing"] = visit(page, "/workbench/applications/new/")
    page.fill("input[name=household_size]", "3")  # the live calculation posts with fetch
    page.wait_for_timeout(700)
    violations["filing typed"] = page.evaluate("window.__violations")
    page.context.clear_cookies()
    log_in(page, "approver", PASSWORD)
    violations["statistics"] = visit(page, f"/workbench/reports/monthly/?region=371403&month={today():%Y-%m}")
    assert page.evaluate("() => !!Chart.getChart('chart-region')")  # the charts are drawn from the static script
    violations["claims"] = visit(page, "/workbench/claims/")
    violations["api docs"] = visit(page, "/api/v1/docs/")
    expect(page.locator(".swagger-ui").first).to_be_visible()
    page.context.clear_cookies()
    log_in(page, "window", PASSWORD)
    violations["window"] = visit(page, "/workbench/settlements/window/")
    page.fill("#window-form input[name=id_number]", "110105194912310021")
    page.wait_for_timeout(700)
    violations["window typed"] = page.evaluate("window.__violations")
    page.context.clear_cookies()
    log_in(page, "finance", PASSWORD)
    violations["payments"] = visit(page, "/workbench/payments/")
    page.context.clear_cookies()
    log_in(page, "auditor", PASSWORD)
    violations["audit"] = visit(page, "/workbench/audit/")
    page.context.clear_cookies()
    violations["login"] = visit(page, "/accounts/login/")
    violations["disclosure"] = visit(page, f"/public/disclosure/371403/{today():%Y-%m}/")
    assert {path: found for path, found in violations.items() if found} == {}
