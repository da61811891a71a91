"""Revocation and recovery in a real Chromium: the county approver revokes a paid approval on the case
page (asked to confirm first), finance records a repayment on the recovery's page and proposes a
write-off, which the approver signs off."""

import pytest
from playwright.sync_api import expect

from aidflow.recoveries.models import Recovery
from tests.browser.conftest import log_in, screenshot, submit_and_confirm
from tests.factories import PASSWORD, make_staff
from tests.payments.conftest import approved
from tests.recoveries.test_revocation import pay_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("one_signature")]


def test_the_approver_revokes_and_finance_recovers(page, policy, clerk, reviewer, approver):
    finance = make_staff("finance", "county_finance", "371403", "郑红")
    application = approved(clerk, order="221")
    pay_all(finance)

    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.fill("textarea[name=reasons]", "申请人隐瞒家庭收入，骗取医疗救助")
    page.fill("textarea[name=facts]", "经入户复查，申请人家庭另有经营收入每月8000元")
    screenshot(page, "revoke-form")
    submit_and_confirm(page, "#revoke-submit")
    expect(page.locator("#revocation")).to_contain_text("已撤销")
    expect(page.locator("#revocation")).to_contain_text("另有经营收入每月8000元")
    screenshot(page, "revoked-case")
    recovery = Recovery.objects.get()
    page.context.clear_cookies()

    log_in(page, "finance", PASSWORD)
    page.get_by_role("link", name="追回款").first.click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("table")).to_contain_text(recovery.number)
    expect(page.locator("table")).to_contain_text("王*英")
    screenshot(page, "recoveries-list")
    page.goto(f"/workbench/recoveries/{recovery.pk}/")
    page.wait_for_load_state("networkidle")
    screenshot(page, "recovery-detail")
    page.locator("input[name=kind][value=repayment]").check(force=True)
    page.fill("input[name=amount]", "400.00")
    with page.expect_navigation():
        page.click("#entry-submit")
    expect(page.locator("dl.af-facts")).to_contain_text("600.00")
    page.locator("input[name=kind][value=write_off]").check(force=True)
    page.fill("input[name=amount]", "600.00")
    page.fill("input[name=note]", "申请人死亡，无遗产可供追偿")
    with page.expect_navigation():
        page.click("#entry-submit")
    expect(page.locator("#write-off")).to_contain_text("600.00")
    expect(page.locator("#decision-submit")).to_have_count(0)
    screenshot(page, "recovery-finance")
    page.context.clear_cookies()

    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/recoveries/{recovery.pk}/")
    page.locator("input[name=decision][value=approve]").check(force=True)
    with page.expect_navigation():
        page.click("#decision-submit")
    screenshot(page, "recovery-settled")
    recovery.refresh_from_db()
    assert (recovery.repaid, recovery.written_off, recovery.outstanding, recovery.status) == (400, 600, 0, "settled")
