"""Accessibility: axe-core checks every screen in a real Chromium against WCAG 2.0/2.1 A and AA; no
serious or critical violation may remain (tests/browser/axe.py). The phone test checks them at 390 px."""

import pytest

from tests.browser.axe import INSTALL, assert_none, axe_source, violations
from tests.browser.conftest import log_in
from tests.browser.screens import every_screen, two_factor_screen, visit_all
from tests.factories import PASSWORD
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def axe():
    source = axe_source()
    if source is None:
        pytest.skip(f"needs axe-core: {INSTALL}")
    return source


def test_no_serious_violation_on_any_screen(
    page,
    axe,
    settings,
    month_set,  # noqa: F811
    clerk,
    reviewer,
    approver,
    auditor,
    window,  # noqa: F811
    finance,  # noqa: F811
):
    screens = every_screen(clerk=clerk, month_set=month_set, window=window, finance=finance)
    found = visit_all(page, screens, lambda page, screen: violations(page, screen.name, axe))
    # The filing form once the live calculation has drawn its explanation.
    page.context.clear_cookies()
    log_in(page, "clerk", PASSWORD)
    page.goto("/workbench/applications/new/")
    page.fill("input[name=household_size]", "3")
    page.locator("#calculation-preview .af-errors, #calculation-preview .af-amount").first.wait_for()
    found["filing typed"] = violations(page, "filing typed", axe)
    # The second sign-in step of a role that decides.
    two_factor_screen(page, settings, approver)
    found["two-factor"] = violations(page, "two-factor", axe)
    assert_none(found, "axe-desktop")
