"""The fields that depend on a decision appear with it, in a real Chromium: the reasons to refuse or
return, the missing materials to return, a lower amount to approve; what was typed under another
decision is not sent."""

import pytest
from playwright.sync_api import expect

from aidflow.cases.models import StageRecord
from tests.browser.conftest import log_in, screenshot, submit_and_confirm
from tests.browser.test_procedure_browser import pick
from tests.factories import PASSWORD, ApplicationFactory, advance

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shown(page, name: str):
    """The grid cell of the field: the innermost, where a form's layout nests rows in a column."""
    return page.locator(f"#task-form .mdc-layout-grid__cell:has([name='{name}'])").last


def test_county_fields_follow_the_decision(page, policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    log_in(page, approver.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.locator("input[name=decision][value=approve]").wait_for(state="attached")
    # Nothing chosen yet: only the decision itself.
    for name in ("excluded_stay_1", "excluded_amount_1", "reasons", "missing"):
        expect(shown(page, name)).to_be_hidden()

    pick(page, "decision", "return")
    expect(shown(page, "reasons")).to_be_visible()
    expect(shown(page, "missing")).to_be_visible()
    expect(shown(page, "excluded_amount_1")).to_be_hidden()
    page.fill("textarea[name=reasons]", "缺少收入证明")
    screenshot(page, "decision-county-return")

    pick(page, "decision", "reject")
    expect(shown(page, "reasons")).to_be_visible()
    expect(shown(page, "missing")).to_be_hidden()

    pick(page, "decision", "approve")
    # Costs found non-compliant on review are excluded, with the reason; the award is computed again.
    expect(shown(page, "excluded_stay_1")).to_be_visible()
    expect(shown(page, "excluded_amount_1")).to_be_visible()
    expect(shown(page, "excluded_reason_1")).to_be_visible()
    expect(shown(page, "reasons")).to_be_hidden()
    screenshot(page, "decision-county-approve")
    submit_and_confirm(page, "#task-submit")
    page.locator("h1 .af-stage", has_text="文书送达").wait_for()
    # The reasons typed under "return" were not sent with the approval.
    record = StageRecord.objects.get(application=application, stage="county_approval")
    assert (record.action, record.reasons, record.missing) == ("approved", "", [])


def test_township_reasons_appear_to_refuse(page, policy, clerk, reviewer):
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    log_in(page, reviewer.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.locator("input[name=decision][value=forward]").wait_for(state="attached")
    expect(shown(page, "visit_date")).to_be_visible()
    expect(shown(page, "reasons")).to_be_hidden()
    pick(page, "decision", "reject")
    expect(shown(page, "reasons")).to_be_visible()
    expect(shown(page, "missing")).to_be_hidden()
