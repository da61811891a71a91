"""The settlement window in a real Chromium: the roll look-up, the live calculation, a refusal shown
with its reason code, the confirmation and the slip; then the monthly claim and its review."""

import datetime

import pytest
from playwright.sync_api import expect

from aidflow.settlements.models import Settlement, SettlementClaim
from tests.browser.conftest import log_in, screenshot, submit_and_confirm
from tests.factories import PASSWORD, today
from tests.settlements.conftest import LI, ZHANG, register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_window(page, id_number: str, name: str, admission: datetime.date, discharge: datetime.date):
    form = page.locator("#window-form")
    form.locator("input[name=id_number]").fill(id_number)
    page.fill("input[name=name]", name)
    page.fill("input[name=admission_date]", admission.isoformat())
    page.fill("input[name=discharge_date]", discharge.isoformat())
    page.fill("input[name=total_cost]", "20000.00")
    page.fill("input[name=eligible_cost]", "18000.00")
    page.fill("input[name=basic_insurance]", "9000.00")
    page.fill("input[name=other_insurance]", "500.00")
    page.fill("input[name=diagnosis]", "慢性阻塞性肺病伴急性加重")
    page.fill("input[name=icd10]", "J44.1")


def test_a_clerk_settles_at_the_window_and_the_county_reviews_the_claim(page, window, approver):  # noqa: F811
    log_in(page, "window", PASSWORD)
    page.get_by_role("link", name="结算窗口").first.click()
    page.wait_for_load_state("networkidle")

    # 1. The roll: 张秀兰 is a 低保 recipient (masked name).
    page.locator("form.af-lookup input[name=id_number]").fill(ZHANG)
    page.locator("form.af-lookup button").click()
    expect(page.locator("[role=status]")).to_contain_text("低保对象")
    expect(page.locator("[role=status]")).to_contain_text("张*兰")

    # A person on the roll only since yesterday, discharged earlier: no aid, the reason named, not coded.
    before = today() - datetime.timedelta(days=3)
    fill_window(page, LI, "李四", before - datetime.timedelta(days=5), before)
    expect(page.locator("[data-testid=quote-reasons]")).to_contain_text("出院时不在救助对象名册上")
    expect(page.locator("[data-testid=quote-reasons]")).not_to_contain_text("NOT_ON_ROLL")

    discharge = max(today() - datetime.timedelta(days=3), datetime.date(today().year, 1, 1))
    admission = discharge - datetime.timedelta(days=min(10, discharge.timetuple().tm_yday - 1))
    # 2-3. The stay of 张秀兰: 8500.00 left after insurance, 70% is 5950.00, the patient pays 4550.00.
    fill_window(page, ZHANG, "张秀兰", admission, discharge)
    expect(page.locator("[data-testid=quote-amount]")).to_have_text("5950.00")
    expect(page.locator("[data-testid=quote-patient-pays]")).to_have_text("4550.00")
    screenshot(page, "settlement-window")
    page.click("#settle-confirm")
    page.wait_for_load_state("networkidle")
    settlement = Settlement.objects.get()
    expect(page.locator("h1")).to_contain_text(settlement.number)
    with page.expect_download() as download:
        page.evaluate(
            "url => { const a = document.createElement('a'); a.href = url; a.download = 'slip.pdf'; "
            "document.body.appendChild(a); a.click(); }",
            f"/workbench/settlements/{settlement.pk}/slip.pdf",
        )
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    # The monthly claim for this month.
    page.get_by_role("link", name="月度结算申请").first.click()
    page.wait_for_load_state("networkidle")
    page.click("text=提交结算申请")
    page.wait_for_load_state("networkidle")
    claim = SettlementClaim.objects.get()
    expect(page.locator("h1")).to_contain_text(claim.number)

    # The county approver approves it.
    page.context.clear_cookies()
    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/claims/{claim.pk}/")
    expect(page.locator("table")).to_contain_text(settlement.number)
    screenshot(page, "settlement-claim-review")
    submit_and_confirm(page, "#claim-approve")
    expect(page.locator("h1 .af-status")).to_have_text("已批准")
    claim.refresh_from_db()
    assert (claim.status, str(claim.approved_amount)) == ("approved", "5950.00")
