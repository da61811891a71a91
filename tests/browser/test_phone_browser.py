"""At 390 x 844 (a phone) no screen is wider than the screen - wide tables scroll inside their card -
nor has a serious accessibility violation (axe-core, when installed), and the filing form's amount
stays in view while the clerk types in the stays."""

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import ARTIFACTS, log_in, screenshot
from tests.browser.screens import every_screen, two_factor_screen, visit_all
from tests.browser.test_procedure_browser import choose
from tests.factories import PASSWORD, stay_dates
from tests.payments.conftest import finance  # noqa: F401 - fixture
from tests.reports.test_monthly import month_set  # noqa: F401 - fixture
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, viewport={"width": WIDTH, "height": HEIGHT}, locale="zh-CN", is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def measure(page, name: str, axe: str | None) -> tuple[int, list[dict]]:
    """The page's width, and its accessibility violations at this size (a table that scrolls
    sideways only here must still scroll from the keyboard)."""
    screenshot(page, f"phone-{name}")
    found = violations(page, name, axe) if axe else []
    return page.evaluate("() => document.documentElement.scrollWidth"), found


def test_no_screen_is_wider_than_a_phone(
    phone,
    settings,
    month_set,  # noqa: F811
    clerk,
    reviewer,
    approver,
    auditor,
    window,  # noqa: F811
    finance,  # noqa: F811
):
    axe = axe_source()
    screens = every_screen(clerk=clerk, month_set=month_set, window=window, finance=finance)
    measured = visit_all(phone, screens, lambda page, screen: measure(page, screen.name, axe))
    two_factor_screen(phone, settings, approver)
    measured["two-factor"] = measure(phone, "two-factor", axe)
    assert {name: width for name, (width, _found) in measured.items() if width > WIDTH} == {}
    assert_none({name: found for name, (_width, found) in measured.items()}, "axe-phone")


def in_view(page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT and box["height"] > 0


def test_the_amount_stays_in_view_while_typing_the_stays(phone, policy, clerk):
    admission, discharge = stay_dates()
    log_in(phone, clerk.username, PASSWORD)
    phone.goto("/workbench/applications/new/")
    phone.wait_for_load_state("networkidle")
    phone.fill("input[name=applicant_name]", "王秀英")
    phone.fill("input[name=id_number]", "11010519491231002X")
    phone.check("input[name=seriously_ill]", force=True)
    phone.fill("input[name=household_size]", "3")
    phone.fill("input[name=household_monthly_income]", "1200.00")
    choose(phone, "residence", "rural")
    prefix = "stays-0-"
    phone.fill(f"input[name='{prefix}hospital']", "陵城区人民医院")
    phone.fill(f"input[name='{prefix}diagnosis']", "肺恶性肿瘤")
    choose(phone, f"{prefix}hospital_level", "2")
    phone.fill(f"input[name='{prefix}admission_date']", admission.isoformat())
    phone.fill(f"input[name='{prefix}discharge_date']", discharge.isoformat())
    phone.fill(f"input[name='{prefix}total_cost']", "60000.00")
    phone.fill(f"input[name='{prefix}eligible_cost']", "52000.00")
    phone.fill(f"input[name='{prefix}basic_insurance']", "30000.00")
    phone.fill(f"input[name='{prefix}serious_illness_insurance']", "5000.00")
    # 20% of (52000 - 30000 - 5000 - 12000 deductible) = 1000.00, shown beside the field being typed in.
    expect(phone.locator("#calculation-summary")).to_contain_text("1000.00")
    assert in_view(phone, f"input[name='{prefix}serious_illness_insurance']")
    assert in_view(phone, "#calculation-summary")
    # The summary never hides the field being typed in.
    field = phone.locator(f"input[name='{prefix}serious_illness_insurance']").bounding_box()
    summary = phone.locator("#calculation-summary").bounding_box()
    assert field["y"] + field["height"] <= summary["y"], (field, summary)
    phone.screenshot(path=str(ARTIFACTS / "phone-filing-typing.png"))  # the screen as the clerk sees it
    # Its link leads to the whole calculation.
    phone.click("#calculation-summary a")
    expect(phone.locator("#calculation-preview .af-explanation")).to_be_visible()
    assert in_view(phone, "#calculation-preview h2")
