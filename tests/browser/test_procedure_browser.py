"""One application from filing to delivery in a real Chromium: clerk, township reviewer, county approver."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aidflow.cases.models import Application
from tests.browser.conftest import log_in, screenshot, submit_and_confirm
from tests.factories import PASSWORD, stay_dates
from tests.workflows.helpers import PDF_BYTES, PNG_BYTES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page, name, value):
    """Pick an option of a Material select (a web component with a hidden input), or of a plain one
    (the filing form's rows)."""
    plain = page.locator(f"select[name='{name}']")
    if plain.count():
        plain.select_option(value)
        return
    field = page.locator(f"vf-field-select[name='{name}']")
    field.locator(".mdc-select__anchor").click()
    field.locator(f"li[data-value='{value}']").click()


def pick(page, name, value):
    """Check a Material radio button once its web component has rendered, and make sure it stuck."""
    radio = page.locator(f"input[name={name}][value={value}]")
    radio.wait_for(state="attached")
    for _attempt in range(5):
        radio.check(force=True)
        page.wait_for_timeout(100)
        if radio.is_checked():
            return
    expect(radio).to_be_checked()


def log_out(page):
    page.context.clear_cookies()


def fill_stay(page, index, hospital, level, admission, discharge, total, eligible, basic, serious, diagnosis):
    prefix = f"stays-{index}-"
    page.fill(f"input[name='{prefix}hospital']", hospital)
    page.fill(f"input[name='{prefix}diagnosis']", diagnosis)
    choose(page, f"{prefix}hospital_level", str(level))
    page.fill(f"input[name='{prefix}admission_date']", admission)
    page.fill(f"input[name='{prefix}discharge_date']", discharge)
    page.fill(f"input[name='{prefix}total_cost']", total)
    page.fill(f"input[name='{prefix}eligible_cost']", eligible)
    page.fill(f"input[name='{prefix}basic_insurance']", basic)
    page.fill(f"input[name='{prefix}serious_illness_insurance']", serious)


def submit_task(page, next_stage):
    """Submit the stage form (confirming a decision the screen asks about) and wait until the case
    page shows the next stage."""
    submit_and_confirm(page, "#task-submit")
    try:
        page.locator("h1 .af-stage", has_text=next_stage).wait_for()
    except Exception:
        screenshot(page, "procedure-failure")
        raise


def test_filing_to_delivery(page, policy, clerk, reviewer, approver, tmp_path):
    today = timezone.localdate()
    admission, discharge = stay_dates()
    diagnosis = Path(tmp_path) / "诊断证明.pdf"
    diagnosis.write_bytes(PDF_BYTES)
    bill = Path(tmp_path) / "结算单.png"
    bill.write_bytes(PNG_BYTES)

    # The clerk files an application with two stays and two documents.
    log_in(page, clerk.username, PASSWORD)
    page.click("text=受理申请")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=applicant_name]", "王秀英")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.fill("input[name=phone]", "13800000000")
    page.check("input[name=seriously_ill]", force=True)
    page.fill("input[name=household_size]", "3")
    page.fill("input[name=household_monthly_income]", "1200.00")
    choose(page, "residence", "rural")
    fill_stay(
        page,
        0,
        "陵城区人民医院",
        2,
        admission.isoformat(),
        discharge.isoformat(),
        "60000.00",
        "52000.00",
        "30000.00",
        "5000.00",
        "肺恶性肿瘤",
    )
    fill_stay(
        page,
        1,
        "陵城区中医院",
        2,
        admission.isoformat(),
        discharge.isoformat(),
        "10000.00",
        "9000.00",
        "6500.00",
        "0.00",
        "脑梗死",
    )
    choose(page, "documents-0-kind", "diagnosis")
    page.set_input_files("input[name='documents-0-file']", str(diagnosis))
    choose(page, "documents-1-kind", "settlement_bill")
    page.set_input_files("input[name='documents-1-file']", str(bill))
    # The live calculation: 17000 + 2500 remaining, 7500 above the deductible, 20% = 1500.
    page.locator("#calculation-preview").get_by_text("1500.00").first.wait_for()
    assert "救助金额 = min(" in page.locator("#calculation-preview").inner_text()
    screenshot(page, "procedure-1-filing")
    page.click("#file-submit")
    page.wait_for_load_state("networkidle")
    application = Application.objects.get()
    assert f"/applications/{application.pk}/" in page.url
    page.locator("h1 .af-stage", has_text="村级核查").wait_for()
    screenshot(page, "procedure-2-filed")

    # Village check by the clerk.
    pick(page, "decision", "forward")
    page.fill("textarea[name=findings]", "材料齐全，经核实属实。")
    submit_task(page, "乡镇审核")
    log_out(page)

    # Township reviewer finds it in the inbox, records the home visit and forwards.
    log_in(page, reviewer.username, PASSWORD)
    page.click("text=我的待办")
    page.wait_for_url("**/inbox/")
    screenshot(page, "procedure-3-township-inbox")
    page.click(f"text={application.number}")
    page.wait_for_url(f"**/applications/{application.pk}/")
    page.locator("#task-form").wait_for()
    pick(page, "decision", "forward")
    page.fill("input[name=visit_date]", today.isoformat())
    page.fill("input[name=visitors]", "刘志强、村委会主任")
    page.fill("textarea[name=findings]", "入户核实：家庭3人，务农为主，无商业保险。")
    screenshot(page, "procedure-4-township-review")
    submit_task(page, "县级审批")
    log_out(page)

    # County approver approves at the computed amount.
    log_in(page, approver.username, PASSWORD)
    page.click("text=我的待办")
    page.wait_for_url("**/inbox/")
    page.click(f"text={application.number}")
    page.wait_for_url(f"**/applications/{application.pk}/")
    page.locator("#task-form").wait_for()
    assert "核算金额：1500.00 元" in page.content()
    pick(page, "decision", "approve")
    screenshot(page, "procedure-5-county-approval")
    submit_task(page, "文书送达")
    log_out(page)

    # The township records the delivery.
    log_in(page, reviewer.username, PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    page.wait_for_load_state("networkidle")
    page.fill("input[name=delivered_on]", today.isoformat())
    pick(page, "method", "in_person")
    page.fill("input[name=recipient]", "王秀英")
    screenshot(page, "procedure-6-delivery")
    submit_task(page, "已办结")
    screenshot(page, "procedure-7-closed")

    application.refresh_from_db()
    assert (application.stage, application.status, str(application.amount)) == ("closed", "approved", "1500.00")
    assert application.documents.count() == 2 and application.stays.count() == 2
