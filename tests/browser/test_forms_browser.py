"""Errors that stay and confirmations that ask, in a real Chromium at a desk's width and a phone's:
an error summary that takes focus, is still there seconds later and leads to each field by keyboard,
with what was typed kept; the approval, the month's sign-off, a withdrawal and a payment batch
each asked for in a dialog that is reached, cancelled (Esc) and confirmed by keyboard alone."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from aidflow.cases.models import Application
from aidflow.payments.models import PaymentBatch
from aidflow.reports.models import MonthlyReport
from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import confirm_dialog, log_in, screenshot
from tests.factories import PASSWORD, ApplicationFactory, advance, excluded, today
from tests.payments.conftest import approved, finance  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"desk": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=list(SIZES))
def sized(request, chromium, live_server):
    """A page at a desk's width, then at a phone's."""
    context = chromium.new_context(
        base_url=live_server.url, viewport=SIZES[request.param], locale="zh-CN", is_mobile=request.param == "phone"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    page.size = request.param
    yield page
    context.close()


def focused(page, selector: str) -> bool:
    return page.evaluate("(selector) => !!document.activeElement && document.activeElement.matches(selector)", selector)


def comes_to(page, selector: str, timeout: int = 5000) -> bool:
    """Whether focus reaches `selector` within `timeout` ms (a dialog returns it as it closes, which a
    busy machine may take a moment to do)."""
    try:
        page.wait_for_function(
            "(selector) => !!document.activeElement && document.activeElement.matches(selector)",
            arg=selector,
            timeout=timeout,
        )
    except PlaywrightTimeout:
        return False
    return True


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until `selector` has focus, as a keyboard user reaches it."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def press_and_load(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state("networkidle")


def check_axe(page, name: str) -> None:
    source = axe_source()
    if source is not None:
        assert_none({name: violations(page, name, source)}, f"axe-{name}")


def test_an_error_summary_stays_takes_focus_and_leads_to_each_field(sized, policy, clerk, reviewer):
    page = sized
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    log_in(page, reviewer.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.locator("input[name=decision][value=reject]").wait_for(state="attached")
    page.locator("input[name=decision][value=reject]").check(force=True)
    page.fill("input[name=visitors]", "刘志强、王村主任")
    page.fill("textarea[name=reasons]", "家庭人均收入高于低收入标准")
    # The home visit's date and findings are left out.
    with page.expect_navigation():
        page.click("#task-submit")
    summary = page.locator("#task-errors")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("未保存")
    expect(summary).to_contain_text("入户调查日期")
    expect(summary).to_contain_text("入户调查情况")
    expect(page.locator("[data-error-summary]")).to_have_count(1)  # one summary, above the form it concerns
    screenshot(page, f"errors-township-{page.size}")
    check_axe(page, f"errors-township-{page.size}")
    # Still there long after a pop-up would have gone.
    page.wait_for_timeout(6500)
    expect(summary).to_be_visible()
    # What was typed and chosen is kept.
    assert page.input_value("input[name=visitors]") == "刘志强、王村主任"
    assert page.input_value("textarea[name=reasons]") == "家庭人均收入高于低收入标准"
    assert page.locator("input[name=decision][value=reject]").is_checked()
    # Each entry, by keyboard, moves focus to its field.
    page.keyboard.press("Tab")
    assert comes_to(page, "#task-errors a[data-error-target]")
    page.keyboard.press("Enter")
    assert comes_to(page, "[name=visit_date]")
    page.focus("#task-errors a[data-error-target='id_findings']")
    page.keyboard.press("Enter")
    assert comes_to(page, "textarea[name=findings]")
    # The error is also beside the field, and the field says so to a screen reader.
    described = page.evaluate(
        "() => { const box = document.querySelector('textarea[name=findings]');"
        " return box.getAttribute('aria-invalid') + ' ' + (box.getAttribute('aria-describedby') || '')"
        ".split(' ').map((id) => (document.getElementById(id) || {}).textContent).join(' '); }"
    )
    assert described.startswith("true") and "必填" in described, described
    assert Application.objects.get(pk=application.pk).stage == "township_review"


def test_the_county_approval_is_confirmed_by_keyboard(sized, policy, clerk, reviewer, approver):
    page = sized
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    log_in(page, approver.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.locator("input[name=decision][value=approve]").wait_for(state="attached")
    tab_to(page, "input[name=decision][value=approve]")
    page.keyboard.press("Space")
    assert page.locator("input[name=decision][value=approve]").is_checked()
    tab_to(page, "#task-submit")
    press_and_load(page, "Enter")
    dialog = confirm_dialog(page)
    expect(page.get_by_role("dialog", name="确认批准此申请？")).to_be_visible()
    expect(dialog).to_contain_text(application.number)
    expect(dialog).to_contain_text(application.applicant_name)
    expect(dialog).to_contain_text("1000.00 元")
    assert comes_to(page, "dialog [data-confirm-cancel]")  # focus moved into the dialog
    screenshot(page, f"confirm-approval-{page.size}")
    check_axe(page, f"confirm-approval-{page.size}")
    # Esc cancels: nothing decided, focus back on the button that asked.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert comes_to(page, "#task-submit")
    assert Application.objects.get(pk=application.pk).stage == "county_approval"
    # Asked again, then confirmed with Tab and Enter.
    press_and_load(page, "Enter")
    confirm_dialog(page)
    page.keyboard.press("Tab")
    assert comes_to(page, "dialog [data-confirm-accept]")
    press_and_load(page, "Enter")
    page.locator("h1 .af-stage", has_text="文书送达").wait_for()
    application.refresh_from_db()
    assert (application.status, str(application.amount)) == ("approved", "1000.00")


def test_a_withdrawal_is_confirmed_by_keyboard(sized, policy, clerk):
    page = sized
    application = ApplicationFactory(user=clerk)
    log_in(page, clerk.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.locator("textarea[name=reason]").wait_for()
    tab_to(page, "textarea[name=reason]", limit=250)
    page.keyboard.type("申请人已通过其他渠道获得救助")
    page.keyboard.press("Tab")
    assert comes_to(page, "#withdraw-submit")
    press_and_load(page, "Enter")
    dialog = confirm_dialog(page)
    expect(page.get_by_role("dialog", name="确认撤回此申请？")).to_be_visible()
    expect(dialog).to_contain_text("申请人已通过其他渠道获得救助")
    assert Application.objects.get(pk=application.pk).status == "in_progress"
    screenshot(page, f"confirm-withdrawal-{page.size}")
    page.keyboard.press("Tab")
    press_and_load(page, "Enter")
    expect(page.locator("h1 .af-status")).to_have_text("已撤回")
    assert Application.objects.get(pk=application.pk).status == "withdrawn"


def test_a_payment_batch_is_confirmed_by_keyboard(sized, policy, clerk, reviewer, approver, finance):  # noqa: F811
    page = sized
    approved(clerk, order="231")
    approved(clerk, order="232", excluded_costs=excluded("2000.00"))  # 600.00
    log_in(page, "finance", PASSWORD)
    page.goto("/workbench/payments/")
    tab_to(page, "#batch-create")
    press_and_load(page, "Enter")
    dialog = confirm_dialog(page)
    expect(page.get_by_role("dialog", name="确认生成发放批次？")).to_be_visible()
    expect(dialog).to_contain_text("2 笔，1600.00 元")
    screenshot(page, f"confirm-batch-{page.size}")
    page.keyboard.press("Escape")
    assert comes_to(page, "#batch-create")
    assert not PaymentBatch.objects.exists()
    press_and_load(page, "Enter")
    confirm_dialog(page)
    page.keyboard.press("Tab")
    press_and_load(page, "Enter")
    batch = PaymentBatch.objects.get()
    assert (batch.count, str(batch.total)) == (2, "1600.00")
    expect(page.locator("h1")).to_contain_text(batch.number)


def test_the_month_is_signed_off_by_keyboard(sized, policy, clerk, reviewer, approver, settings):
    page = sized
    settings.MONTHLY_REPORT_DAY = 1  # the current month may be signed off today
    approved(clerk, order="241")
    month = today().strftime("%Y-%m")
    log_in(page, approver.username, PASSWORD)
    page.goto(f"/workbench/reports/monthly/?region=371403&month={month}")
    tab_to(page, "#month-submit")
    press_and_load(page, "Enter")
    dialog = confirm_dialog(page)
    expect(page.get_by_role("dialog", name="确认审核并报送本月月报？")).to_be_visible()
    for fact in ("人数", "人次", "1000.00 元", month):
        expect(dialog).to_contain_text(fact)
    screenshot(page, f"confirm-signoff-{page.size}")
    check_axe(page, f"confirm-signoff-{page.size}")
    assert not MonthlyReport.objects.exists()
    page.keyboard.press("Tab")
    press_and_load(page, "Enter")
    report = MonthlyReport.objects.get()
    assert (report.region, report.month, report.signed_by) == ("371403", month, approver)
