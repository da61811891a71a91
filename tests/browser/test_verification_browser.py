"""Patients asked, in a real Chromium: the county approver asks about a settlement from its page, the
patient's township records that the stay did not happen, and the approver finds the revoke form
filled with the finding. axe-core checks the list and the verification page for both."""

import pytest
from playwright.sync_api import expect

from aidflow.settlements.models import Settlement
from aidflow.verifications.models import Verification
from tests.browser.axe import INSTALL, assert_none, axe_source, violations
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD
from tests.payments.conftest import approved_claim  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settled(page) -> None:
    """The page loaded and no navigation under way (Turbo marks <html aria-busy> while it fetches)."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("!document.documentElement.hasAttribute('aria-busy')")


def test_ask_answer_and_the_finding_on_the_approvers_desk(page, policy, approver, reviewer, approved_claim):  # noqa: F811
    source = axe_source()
    if source is None:
        pytest.skip(f"needs axe-core: {INSTALL}")
    settlement = Settlement.objects.get()
    Verification.objects.all().delete()  # as if not drawn in the claim's sample: the county asks
    found = {}
    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/settlements/{settlement.pk}/")
    with page.expect_navigation():
        page.click("#verification-ask")
    expect(page.locator("h1")).to_contain_text(f"患者核实 · {settlement.number}")
    page.context.clear_cookies()

    log_in(page, "reviewer", PASSWORD)
    page.get_by_role("link", name="患者核实").first.click()
    settled(page)
    expect(page.locator("table")).to_contain_text(settlement.number)
    expect(page.locator("table")).to_contain_text("张*兰")
    found["verifications"] = violations(page, "verifications", source)
    screenshot(page, "verifications-list")
    page.goto(f"/workbench/verifications/{Verification.objects.get().pk}/")
    settled(page)
    found["verification-open"] = violations(page, "verification-open", source)
    page.locator("input[name=method][value=call]").check(force=True)
    page.locator("input[name=stay_happened][value=no]").check(force=True)
    page.fill("textarea[name=note]", "患者本人电话确认近期未住院")
    screenshot(page, "verification-answer-form")
    with page.expect_navigation():
        page.click("#answer-submit")
    expect(page.locator("#answer")).to_contain_text("住院并未发生")
    page.context.clear_cookies()

    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/verifications/{Verification.objects.get().pk}/")
    settled(page)
    expect(page.locator("textarea[name=facts]")).to_have_value(Verification.objects.get().finding_text)
    expect(page.locator("#revoke-submit")).to_be_visible()
    found["verification-finding"] = violations(page, "verification-finding", source)
    screenshot(page, "verification-finding")
    assert_none(found, "axe-verifications")
