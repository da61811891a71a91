"""The administration site in a real Chromium, at 1280 and 390 px: a hospital clerk created with the
hospital found by typing, the role showing only the picker it needs, a region of the wrong level
refused beside the field in Chinese, a hospital's account corrected with its history, the
unlock confirmation; axe-core finds no serious violation on these pages."""

import pytest

from aidflow.payments.models import HospitalAccountChange
from aidflow.regions.models import StaffProfile
from aidflow.rolls.models import Hospital
from tests.browser.axe import INSTALL, assert_none, axe_source, violations
from tests.browser.conftest import log_in, screenshot
from tests.factories import PASSWORD
from tests.settlements.conftest import register  # noqa: F401 - fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


@pytest.fixture
def axe():
    source = axe_source()
    if source is None:
        pytest.skip(f"needs axe-core: {INSTALL}")
    return source


def sign_in_admin(page, admin_user, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, admin_user.username, PASSWORD)
    page.goto("/admin/regions/staffprofile/add/")


def pick(page, field: str, typed: str, option: str) -> None:
    """Choose in an admin autocomplete (select2) by typing, as a person would."""
    page.locator(f".field-{field} .select2-selection").click()
    page.locator(".select2-search__field").fill(typed)
    page.locator(".select2-results__option", has_text=option).click()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hospital_clerk_is_created_with_the_hospital_found_by_typing(page, admin_user, register, axe, width):  # noqa: F811
    sign_in_admin(page, admin_user, width)
    assert page.locator(".field-region").is_visible() and page.locator(".field-hospital").is_visible()
    page.select_option("#id_role", "hospital_clerk")
    assert not page.locator(".field-region").is_visible()
    assert page.locator(".field-hospital").is_visible()
    page.fill("#id_username", "window_new")
    page.fill("#id_name", "高峰")
    page.fill("#id_password", "Strong-pass-2026!")
    pick(page, "hospital", "陵城", "陵城区人民医院 (H-LC)")
    found = {"add": violations(page, f"admin-add-{width}", axe)}
    screenshot(page, f"admin-staff-add-hospital-clerk-{width}")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".messagelist .success").is_visible()
    profile = StaffProfile.objects.get(user__username="window_new")
    assert (profile.role, profile.hospital.code, profile.region_id) == ("hospital_clerk", "H-LC", None)
    assert "陵城区人民医院" in page.locator("#result_list").inner_text()
    found["list"] = violations(page, f"admin-list-{width}", axe)
    screenshot(page, f"admin-staff-list-{width}")
    assert_none(found, f"axe-admin-staff-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_region_of_the_wrong_level_is_refused_beside_the_field(page, admin_user, axe, width):
    sign_in_admin(page, admin_user, width)
    page.select_option("#id_role", "village_clerk")
    assert not page.locator(".field-hospital").is_visible()
    page.fill("#id_username", "li_new")
    page.fill("#id_password", "Strong-pass-2026!")
    pick(page, "region", "神头", "神头镇 (371403105)")
    page.click("input[name=_save]")
    page.wait_for_load_state("networkidle")
    error = page.locator(".field-region .errorlist")
    assert error.is_visible()
    assert error.inner_text().strip() == "神头镇 (371403105)是乡镇（街道）级区划；村级经办员需要村（居）级区划。"
    assert page.locator(".errornote").is_visible()  # the admin's summary at the top
    assert not StaffProfile.objects.filter(user__username="li_new").exists()
    found = {"refused": violations(page, f"admin-refused-{width}", axe)}
    screenshot(page, f"admin-staff-wrong-level-{width}")
    assert_none(found, f"axe-admin-refused-{width}")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_hospital_account_is_corrected_and_the_old_one_shown(page, admin_user, register, axe, width):  # noqa: F811
    Hospital.objects.filter(code="H-LC").update(bank="农业银行陵城支行", account="6200000000000371403")
    hospital = Hospital.objects.get(code="H-LC")
    sign_in_admin(page, admin_user, width)
    page.goto("/admin/rolls/hospital/")
    assert "****1403" in page.locator("#result_list").inner_text()
    page.goto(f"/admin/rolls/hospital/{hospital.pk}/change/")
    page.fill("#id_account", "12345")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    assert page.locator(".field-account .errorlist").inner_text().strip() == "账号为 10-30 位数字。"
    page.fill("#id_bank", "农商银行陵城支行")
    page.fill("#id_account", "6228480000000099887")
    page.click("input[name=_continue]")
    page.wait_for_load_state("networkidle")
    history = page.locator("div.account-history")
    assert "6200000000000371403" in history.inner_text() and "农业银行陵城支行" in history.inner_text()
    assert HospitalAccountChange.objects.filter(hospital=hospital).count() == 1
    found = {"hospital": violations(page, f"admin-hospital-{width}", axe)}
    screenshot(page, f"admin-hospital-account-{width}")
    page.goto("/admin/rolls/hospital/")
    screenshot(page, f"admin-hospital-list-{width}")
    page.goto(f"/admin/regions/staffprofile/{admin_user.staff.pk}/unlock/")
    found["unlock"] = violations(page, f"admin-unlock-{width}", axe)
    screenshot(page, f"admin-unlock-{width}")
    assert_none(found, f"axe-admin-hospital-{width}")
