"""The fund-safety screens (INTERFACES section 11) in a real Chromium, as a county's staff use them, at a
desk's width and a phone's: every screen free of serious accessibility violations and no wider than
the phone, each looked at (test-artifacts/screenshots/fund-*); then the claim review, the county's
exclusion rows, a referral recorded from a case and the warning filter, worked by hand."""

import datetime

import pytest
from django.utils import translation
from playwright.sync_api import expect

from aidflow.cases.models import Application
from aidflow.settlements.models import Settlement, SettlementClaim
from tests.browser.axe import assert_none, axe_source, violations
from tests.browser.conftest import confirm_dialog, log_in, screenshot
from tests.browser.test_forms_browser import sized  # noqa: F401 - fixture
from tests.browser.test_procedure_browser import choose, pick
from tests.cases.test_fund_safety import guardian_filing
from tests.factories import (
    CITY_HOSPITAL_NAME,
    PASSWORD,
    ApplicationFactory,
    FilingFactory,
    StayFactory,
    advance,
    excluded,
    person,
    today,
)
from tests.settlements.conftest import ZHANG, register, settle_body, window  # noqa: F401 - fixtures
from tests.workflows.helpers import PDF_BYTES, client_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = 390


def api(user, path: str, body: dict) -> dict:
    response = client_for(user).post(path, body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    return response.json()


def settle_on(window, day: datetime.date, eligible_cost: str) -> Settlement:  # noqa: F811
    """A one-day stay of 张秀兰 at 陵城区人民医院 (one-day stays on different days never overlap)."""
    body = settle_body(admission_date=day.isoformat(), discharge_date=day.isoformat(), eligible_cost=eligible_cost)
    return Settlement.objects.get(pk=api(window, "/api/v1/settlements/", body)["id"])


def build(clerk, reviewer, approver, window) -> dict:  # noqa: F811
    """The cases, settlements and claims each screen needs."""
    with translation.override("zh-hans"):  # filed as the filing form files: the reasons in Chinese
        stays = [
            StayFactory(basic_insurance="0.00"),  # insurance entered as 0: the warning
            StayFactory(hospital="某私立医院"),  # not on the register
            StayFactory(hospital=CITY_HOSPITAL_NAME, hospital_level=3),  # outside the county, no referral
        ]
        gated = ApplicationFactory(user=clerk, data=FilingFactory(stays=stays))
    gated = advance(gated, to="township_review")
    guardian = advance(ApplicationFactory(user=clerk, data=guardian_filing()), to="county_approval")
    lowered = ApplicationFactory(user=clerk, data=FilingFactory(person=person("611")))
    lowered = advance(lowered, to="notice_delivery", excluded_costs=excluded("1000.00"))
    # Settlements: two of last month (signed off since), one of today; the county refuses last
    # month's two in the hospital's claim - one as non-compliant, one for correction - which the
    # public list of this month shows as a correction; a later settlement's claim waits for review.
    first = today().replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
    fake = settle_on(window, first - datetime.timedelta(days=2), "12000.00")
    wrong = settle_on(window, first - datetime.timedelta(days=4), "12000.00")
    paid = settle_on(window, today(), "18000.00")
    api(approver, "/api/v1/statistics/monthly/submit/", {"region": "371403", "month": last_month})
    reviewed = api(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")})
    refusals = [
        {"id": fake.pk, "code": "non_compliant", "reason": "虚假住院，资金不予结算"},
        {"id": wrong.pk, "code": "correction_needed", "reason": "合规费用计算有误，请更正"},
    ]
    review = {"decision": "approve", "rejected_settlements": refusals}
    api(approver, f"/api/v1/settlement-claims/{reviewed['id']}/review/", review)
    settle_on(window, first - datetime.timedelta(days=6), "11000.00")
    waiting = api(window, "/api/v1/settlement-claims/", {"month": today().strftime("%Y-%m")})
    return {
        "gated": gated,
        "guardian": guardian,
        "lowered": lowered,
        "fake": fake,
        "wrong": wrong,
        "paid": paid,
        "reviewed": SettlementClaim.objects.get(pk=reviewed["id"]),
        "waiting": SettlementClaim.objects.get(pk=waiting["id"]),
    }


def screens(data: dict) -> list[tuple[str, str | None, str]]:
    """(name, who is signed in, path) of every screen the fund-safety rules changed."""
    case = "/workbench/applications/{}/".format
    month = today().strftime("%Y-%m")
    return [
        ("case-stays", "reviewer", case(data["gated"].pk)),
        ("case-excluded-costs", "reviewer", case(data["lowered"].pk)),
        ("list-warning", "reviewer", "/workbench/applications/?warning=INSURANCE_IMPLAUSIBLE"),
        ("referrals-reviewer-from-case", "reviewer", f"/workbench/referrals/?application={data['gated'].pk}&stay=2"),
        ("case-guardian-approval", "approver", case(data["guardian"].pk)),
        ("claim-review", "approver", f"/workbench/claims/{data['waiting'].pk}/"),
        ("claim-reviewed", "approver", f"/workbench/claims/{data['reviewed'].pk}/"),
        ("referrals-approver", "approver", "/workbench/referrals/"),
        ("roll-lookup", "approver", f"/workbench/recipients/?id_number={ZHANG}"),
        ("statistics", "approver", f"/workbench/reports/monthly/?region=371403&month={month}"),
        ("referrals-clerk", "clerk", "/workbench/referrals/"),
        ("referrals-auditor", "auditor", f"/workbench/referrals/?id_number={ZHANG}"),
        ("settlements-refused", "window", "/workbench/settlements/"),
        ("settlement-non-compliant", "window", f"/workbench/settlements/{data['fake'].pk}/"),
        ("settlement-for-correction", "window", f"/workbench/settlements/{data['wrong'].pk}/"),
        ("window-refused", "window", f"/workbench/settlements/window/?id_number={ZHANG}"),
        ("window-correction", "window", f"/workbench/settlements/window/?correct={data['wrong'].pk}"),
        ("referrals-hospital", "window", "/workbench/referrals/"),
        ("disclosure-corrections", None, f"/public/disclosure/371403/{month}/"),
    ]


def test_every_fund_safety_screen_at_a_desk_and_on_a_phone(sized, policy, clerk, reviewer, approver, auditor, window):  # noqa: F811
    page = sized
    data = build(clerk, reviewer, approver, window)
    axe = axe_source()
    found, wide, signed_in = {}, {}, object()
    for name, user, path in screens(data):
        if user != signed_in:
            page.context.clear_cookies()
            if user:
                log_in(page, user, PASSWORD)
            signed_in = user
        response = page.goto(path)
        assert response.status < 400, (name, response.status)
        page.wait_for_load_state("networkidle")
        screenshot(page, f"fund-{name}-{page.size}")
        if axe:
            found[name] = violations(page, f"{name}-{page.size}", axe)
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if page.size == "phone" and width > PHONE:
            wide[name] = width
    assert wide == {}
    assert_none(found, f"axe-fund-safety-{page.size}")
    # What the screens say, read once at the desk.
    if page.size == "desk":
        page.context.clear_cookies()
        log_in(page, "window", PASSWORD)
        page.goto(f"/workbench/settlements/{data['fake'].pk}/")
        expect(page.locator("dl.af-facts")).to_contain_text("不合规：救助资金不予结算")
        expect(page.locator("dl.af-facts")).to_contain_text("不得重新结算")
        page.goto("/public/disclosure/371403/{}/".format(today().strftime("%Y-%m")))
        expect(page.locator("tr.correction").first).to_contain_text("核减")


def test_the_county_reviews_a_claim_settlement_by_settlement(sized, policy, clerk, reviewer, approver, window):  # noqa: F811
    page = sized
    data = build(clerk, reviewer, approver, window)
    claim = data["waiting"]
    settlement = claim.settlements.get()
    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/claims/{claim.pk}/")
    reason = page.locator(f"#id_refusal_reason_{settlement.pk}")
    expect(reason).to_be_hidden()  # paid: no reason asked
    page.select_option(f"#id_refusal_{settlement.pk}", "correction_needed")
    expect(reason).to_be_visible()
    with page.expect_navigation():
        page.click("#claim-approve")
    summary = page.locator("#review-errors")
    expect(summary).to_be_visible()
    assert page.evaluate("() => document.activeElement.id") == "review-errors"
    expect(page.locator(f"#id_refusal_{settlement.pk}")).to_have_value("correction_needed")
    screenshot(page, f"fund-claim-review-error-{page.size}")
    page.fill(f"#id_refusal_reason_{settlement.pk}", "住院天数与病历不符，请更正")
    with page.expect_navigation():
        page.click("#claim-approve")
    dialog = confirm_dialog(page)
    expect(dialog).to_contain_text(settlement.number)
    expect(dialog).to_contain_text("退回医院更正后重新结算")
    expect(dialog).to_contain_text("理由：住院天数与病历不符，请更正")
    screenshot(page, f"fund-claim-review-confirm-{page.size}")
    source = axe_source()
    if source:
        assert_none(
            {"confirm": violations(page, f"claim-confirm-{page.size}", source)}, f"axe-claim-confirm-{page.size}"
        )
    with page.expect_navigation():
        page.click("dialog[data-confirm-dialog] [data-confirm-accept]")
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1 .af-status")).to_have_text("已批准")
    expect(page.locator("table")).to_contain_text("住院天数与病历不符，请更正")
    settlement.refresh_from_db()
    assert (settlement.status, settlement.refusal_code) == ("refused", "correction_needed")


def test_exclusions_a_referral_and_the_warning_filter_by_hand(sized, policy, clerk, reviewer, approver, window):  # noqa: F811
    page = sized
    data = build(clerk, reviewer, approver, window)
    # The county's exclusion rows appear with "approve" only.
    log_in(page, "approver", PASSWORD)
    page.goto(f"/workbench/applications/{data['guardian'].pk}/")
    pick(page, "decision", "approve")
    for row in (1, 2, 3):
        expect(page.locator(f"input[name=excluded_amount_{row}]")).to_be_visible()
    screenshot(page, f"fund-approval-rows-{page.size}")
    pick(page, "decision", "reject")
    expect(page.locator("input[name=excluded_amount_1]")).to_be_hidden()
    # The township filters its cases by the warning.
    page.context.clear_cookies()
    log_in(page, "reviewer", PASSWORD)
    page.goto("/workbench/applications/")
    page.select_option("select[name=warning]", "INSURANCE_IMPLAUSIBLE")
    with page.expect_navigation():
        page.locator("form.af-filters button[type=submit]").click()
    rows = page.locator("table.af-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(data["gated"].number)
    expect(rows.first).to_contain_text("核实医保")
    # From the stay left out for want of a referral to the referral form, and back.
    page.goto(f"/workbench/applications/{data['gated'].pk}/")
    link = page.get_by_role("link", name="为本次住院登记转诊备案").first
    with page.expect_navigation():
        link.click()
    expect(page.locator("#id_name")).to_have_value("王秀英")
    admitted = data["gated"].stays.get(index=2).admission_date.isoformat()
    page.fill("#id_date", admitted)
    with page.expect_navigation():
        page.click("#referral-submit")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(f"/workbench/applications/{data['gated'].pk}/")
    assert Application.objects.get(pk=data["gated"].pk).id_number == data["gated"].id_number
    from aidflow.rolls.models import Referral

    assert Referral.objects.get().date.isoformat() == admitted


def test_the_village_adds_the_certificate_where_the_county_keeps_no_roll(sized, policy, clerk):  # noqa: F811
    """No roll, no word (INTERFACES section 11): without any roll in 陵城区, a 低保 case goes to the
    township only with the category certificate, uploaded with the village check."""
    page = sized
    application = ApplicationFactory(user=clerk, data=FilingFactory(category="dibao", aid_type="hospitalization"))
    log_in(page, "clerk", PASSWORD)
    page.goto(f"/workbench/applications/{application.pk}/")
    expect(page.locator("#certificate-needed")).to_be_visible()
    expect(page.locator("dl.af-facts")).to_contain_text("村级报送前须上传证明")
    screenshot(page, f"fund-case-no-roll-{page.size}")
    source = axe_source()
    if source:
        assert_none({"no-roll": violations(page, f"no-roll-{page.size}", source)}, f"axe-no-roll-{page.size}")
    if page.size == "phone":
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE
    pick(page, "decision", "forward")
    choose(page, "kind", "category_certificate")
    page.set_input_files(
        "input[name=file]", files=[{"name": "低保证.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}]
    )
    with page.expect_navigation():
        page.click("#task-submit")
    page.wait_for_load_state("networkidle")
    expect(page.locator("dl.af-facts")).to_contain_text("以已上传的证明材料为准")
    assert Application.objects.get(pk=application.pk).stage == "township_review"
