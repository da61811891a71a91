"""The filing form in a real Chromium at a desk's width and a phone's: rows of stays and members
added and removed by keyboard (focus in the new row, announced, the formset's numbering kept), a
designated hospital picked by typing part of its name, the error summary taking focus with the
chosen file kept, the preview showing a stay already claimed instead of an amount, and the filed
number first on the case page; axe-core on each state."""

import pytest
from playwright.sync_api import expect

from aidflow.cases.models import Application
from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import log_in, screenshot
from tests.browser.test_forms_browser import SIZES, focused, tab_to
from tests.browser.test_procedure_browser import choose
from tests.factories import LINGCHENG_HOSPITAL, PASSWORD, stay_dates
from tests.workflows.helpers import PDF_BYTES, file_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILING = "/workbench/applications/new/"


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


def check_axe(page, name: str) -> None:
    source = axe_source()
    if source is not None:
        assert_none({name: violations(page, name, source)}, f"axe-{name}")


def open_form(page, clerk):
    log_in(page, clerk.username, PASSWORD)
    page.goto(FILING)
    page.wait_for_load_state("networkidle")
    page.locator("[data-rows=stays] [data-row-add]:not([hidden])").wait_for()


def fill_applicant(page):
    page.fill("input[name=applicant_name]", "王秀英")
    page.fill("input[name=id_number]", "11010519491231002X")
    page.check("input[name=seriously_ill]", force=True)
    page.fill("input[name=household_size]", "3")
    page.fill("input[name=household_monthly_income]", "1200.00")
    choose(page, "residence", "rural")


def fill_costs(page, index, hospital=None):
    admission, discharge = stay_dates()
    prefix = f"stays-{index}-"
    if hospital:
        page.fill(f"input[name='{prefix}hospital']", hospital)
        page.select_option(f"select[name='{prefix}hospital_level']", "2")
    page.fill(f"input[name='{prefix}admission_date']", admission.isoformat())
    page.fill(f"input[name='{prefix}discharge_date']", discharge.isoformat())
    for name, value in (
        ("total_cost", "60000.00"),
        ("eligible_cost", "52000.00"),
        ("basic_insurance", "30000.00"),
        ("serious_illness_insurance", "5000.00"),
        ("diagnosis", "肺恶性肿瘤"),
    ):
        page.fill(f"input[name='{prefix}{name}']", value)


def submit(page):
    """Send the form once the live calculation's last request has come back: the test server's
    SQLite takes one write at a time, and every request saves the session."""
    page.wait_for_timeout(800)
    with page.expect_navigation():
        page.click("#file-submit")
    page.wait_for_load_state("networkidle")


def names_of(page, prefix: str) -> list[str]:
    return page.eval_on_selector_all(
        f"[data-rows={prefix}] [data-rows-list] > [data-row] [name$='-hospital'], "
        f"[data-rows={prefix}] [data-rows-list] > [data-row] [name$='-name']",
        "(inputs) => inputs.map((input) => input.name + '=' + input.value)",
    )


def test_rows_are_added_and_removed_by_keyboard(sized, policy, clerk):
    page = sized
    open_form(page, clerk)
    stays = page.locator("[data-rows=stays]")
    # Three stays drawn at first; a fourth added from the keyboard, focus in it and said aloud.
    expect(stays.locator("[data-rows-list] > [data-row]")).to_have_count(3)
    tab_to(page, "[data-rows=stays] [data-row-add]", limit=250)
    page.keyboard.press("Enter")
    assert focused(page, "#id_stays-3-hospital")
    expect(stays.locator("[data-rows-status]")).to_have_text("已添加第 4 次住院。")
    assert page.input_value("#id_stays-TOTAL_FORMS") == "4"
    expect(stays.get_by_role("group", name="第 4 次住院")).to_be_visible()
    page.keyboard.type("第四医院")
    page.fill("#id_stays-1-hospital", "第二医院")
    page.fill("#id_stays-2-hospital", "第三医院")
    screenshot(page, f"filing-rows-added-{page.size}")
    check_axe(page, f"filing-rows-{page.size}")
    # Stay 2 removed with its button, reached by keyboard: the rows after it take its numbers.
    remove = stays.get_by_role("button", name="删除第 2 次住院")
    remove.focus()
    page.keyboard.press("Enter")
    expect(stays.locator("[data-rows-list] > [data-row]")).to_have_count(3)
    expect(stays.locator("[data-rows-status]")).to_have_text("已删除第 2 次住院。其后各项已重新编号。")
    assert page.input_value("#id_stays-TOTAL_FORMS") == "3"
    assert names_of(page, "stays") == ["stays-0-hospital=", "stays-1-hospital=第三医院", "stays-2-hospital=第四医院"]
    assert focused(page, "#id_stays-1-hospital")  # the row that took its place
    expect(stays.get_by_role("button", name="删除第 3 次住院")).to_be_visible()
    # Household members: one more than drawn, and the last removed.
    members = page.locator("[data-rows=members]")
    members.locator("[data-row-add]").focus()
    page.keyboard.press("Enter")
    assert focused(page, "#id_members-2-name")
    members.locator("[data-row-add]").focus()
    page.keyboard.press("Enter")
    assert page.input_value("#id_members-TOTAL_FORMS") == "4" and focused(page, "#id_members-3-name")
    members.get_by_role("button", name="删除家庭成员 4").focus()
    page.keyboard.press("Enter")
    assert page.input_value("#id_members-TOTAL_FORMS") == "3" and focused(page, "#id_members-2-name")
    # One stay is the least: its remove button says so instead of removing it.
    for _ in range(2):
        stays.locator("[data-row-remove]").first.click()
    expect(stays.locator("[data-rows-list] > [data-row]")).to_have_count(1)
    stays.locator("[data-row-remove]").focus()
    page.keyboard.press("Enter")
    expect(stays.locator("[data-rows-list] > [data-row]")).to_have_count(1)
    expect(stays.locator("[data-rows-status]")).to_have_text("一份申请至少要有一次住院记录。")


def test_a_hospital_is_picked_by_typing_part_of_its_name(sized, policy, clerk, tmp_path):
    page = sized
    open_form(page, clerk)
    fill_applicant(page)
    # The live calculation answers the applicant's fields first: typing starts once it has, in the
    # field clicked (a late answer must not find the focus elsewhere).
    page.wait_for_load_state("networkidle")
    page.click("#id_stays-0-hospital")
    page.keyboard.type("陵城区人")
    hospital = page.locator("#id_stays-0-hospital")
    expect(hospital).to_have_attribute("aria-expanded", "true")
    listbox = page.get_by_role("listbox", name="定点医疗机构").first
    expect(listbox.get_by_role("option").first).to_contain_text("陵城区人民医院")
    expect(listbox.get_by_role("option").first).to_contain_text("陵城区 · 二级")
    screenshot(page, f"filing-hospital-list-{page.size}")
    check_axe(page, f"filing-hospital-list-{page.size}")
    page.keyboard.press("ArrowDown")
    expect(hospital).to_have_attribute("aria-activedescendant", "id_stays-0-hospital-option-0")
    page.keyboard.press("Enter")
    # The name, the register's code and the hospital's level filled in; the list closed.
    assert hospital.input_value() == "陵城区人民医院"
    assert page.input_value("input[name='stays-0-hospital_code']") == LINGCHENG_HOSPITAL
    assert page.input_value("select[name='stays-0-hospital_level']") == "2"
    expect(hospital).to_have_attribute("aria-expanded", "false")
    expect(page.locator("#hospital-picker-status")).to_contain_text("已从定点医疗机构名录中选择：陵城区人民医院")
    fill_costs(page, 0)
    stay = page.locator("[data-rows=stays] [data-row]").first
    expect(stay.locator("[data-stay-notes]")).to_contain_text("定点医疗机构：陵城区 · 二级。")
    expect(page.locator("#calculation-summary")).to_contain_text("1000.00")
    # A hospital not on the register, typed in full: flagged beside it as soon as the field is left.
    second = page.locator("[data-rows=stays] [data-row]").nth(1)
    page.fill("#id_stays-1-hospital", "某某私立医院")
    page.keyboard.press("Tab")
    expect(second.locator("[data-hospital-flag]")).to_be_visible()
    expect(second.locator("[data-hospital-flag]")).to_have_text("不在定点医疗机构名录中，该次住院不计入救助")
    screenshot(page, f"filing-hospital-picked-{page.size}")
    # Filed with the code.
    page.fill("#id_stays-1-hospital", "")
    diagnosis = tmp_path / "诊断.pdf"
    diagnosis.write_bytes(PDF_BYTES)
    page.select_option("select[name='documents-0-kind']", "diagnosis")
    page.set_input_files("input[name='documents-0-file']", str(diagnosis))
    submit(page)
    application = Application.objects.get()
    assert application.stays.get().hospital_code == LINGCHENG_HOSPITAL
    # The number first on the case page, with focus on it.
    banner = page.locator("#filed-banner")
    expect(banner).to_contain_text(application.number)
    expect(banner).to_be_focused()
    screenshot(page, f"filing-filed-{page.size}")
    check_axe(page, f"filing-filed-{page.size}")


def test_the_error_summary_takes_focus_and_the_chosen_file_is_kept(sized, policy, clerk, tmp_path):
    page = sized
    open_form(page, clerk)
    page.fill("input[name=applicant_name]", "王秀英")
    page.fill("#id_stays-0-hospital", "陵城区人民医院")
    page.fill("#id_members-0-name", "王大山")
    bill = tmp_path / "结算单.pdf"
    bill.write_bytes(PDF_BYTES)
    page.select_option("select[name='documents-0-kind']", "settlement_bill")
    page.set_input_files("input[name='documents-0-file']", str(bill))
    submit(page)
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("第 1 次住院 · 入院日期")
    expect(summary).to_contain_text("家庭成员 1 · 与申请人关系")
    expect(summary).to_contain_text("已选择的文件已保留，无需重新选择。")
    # What was typed and chosen is still there.
    assert page.input_value("#id_stays-0-hospital") == "陵城区人民医院"
    assert page.input_value("#id_members-0-name") == "王大山"
    expect(page.locator("[data-kept]")).to_contain_text("结算单.pdf")
    screenshot(page, f"filing-errors-{page.size}")
    check_axe(page, f"filing-errors-{page.size}")
    # An entry leads to its field, which says what is wrong.
    summary.locator("a[data-error-target='id_stays-0-admission_date']").focus()
    page.keyboard.press("Enter")
    assert focused(page, "#id_stays-0-admission_date")
    described = page.evaluate(
        "() => { const box = document.getElementById('id_stays-0-admission_date');"
        " return box.getAttribute('aria-invalid') + ' ' + (box.getAttribute('aria-describedby') || '')"
        ".split(' ').map((id) => (document.getElementById(id) || {}).textContent).join(' '); }"
    )
    assert described.startswith("true") and "必填" in described, described
    # Completed without choosing the file again: filed with it.
    fill_applicant(page)
    page.select_option("select[name='stays-0-hospital_level']", "2")
    fill_costs(page, 0)
    page.fill("#id_members-0-relation", "配偶")
    submit(page)
    application = Application.objects.get()
    assert [document.original_name for document in application.documents.all()] == ["结算单.pdf"]


def test_the_preview_shows_a_stay_already_claimed(sized, policy, clerk):
    page = sized
    first = file_application(clerk)
    open_form(page, clerk)
    fill_applicant(page)
    fill_costs(page, 0, hospital="陵城区人民医院")
    summary = page.locator("#calculation-summary")
    expect(summary).to_contain_text("已申请过救助")
    preview = page.locator("#calculation-preview")
    expect(preview).to_contain_text(first.number)
    expect(preview).not_to_contain_text("1000.00")
    stay = page.locator("[data-rows=stays] [data-row]").first
    expect(stay.locator(".af-stay-note--conflict")).to_contain_text(f"该次住院已在申请 {first.number} 中申请救助")
    screenshot(page, f"filing-conflict-{page.size}")
    check_axe(page, f"filing-conflict-{page.size}")


def test_the_guardians_fields_show_only_when_a_guardian_or_agent_applies(sized, policy, clerk):
    page = sized
    open_form(page, clerk)
    patient = page.locator("input[name=patient_name]")
    own_id = page.locator("input[name=applicant_id_number]")
    expect(patient).to_be_hidden()
    expect(own_id).to_be_hidden()
    page.locator("input[name=relationship][value=guardian]").check(force=True)
    expect(patient).to_be_visible()
    expect(own_id).to_be_visible()
    # Marked required, to the eye and to a screen reader.
    assert patient.evaluate("(input) => input.required") and own_id.evaluate("(input) => input.required")
    screenshot(page, f"filing-guardian-{page.size}")
    page.locator("input[name=relationship][value=self]").check(force=True)
    expect(patient).to_be_hidden()
    assert patient.is_disabled()  # not sent for a patient who applies in person
