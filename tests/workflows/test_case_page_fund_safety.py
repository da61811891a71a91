"""The case page and the lists after the fund-safety rules (INTERFACES section 11), as the township and
the county read them: why each stay does not count, where its missing referral is recorded, the
warnings, the costs excluded on review, the certificate where the county keeps no roll, the guardian
who applies, the county's exclusion rows and the village's certificate upload."""

import datetime

import pytest
from django.utils import translation

from aidflow.cases.models import Application
from aidflow.rolls.services import recipients_import
from tests.cases.test_fund_safety import guardian_filing
from tests.factories import (
    BEIJIE,
    CITY_HOSPITAL_NAME,
    ApplicationFactory,
    FilingFactory,
    StayFactory,
    advance,
    excluded,
    person,
    stay_dates,
    today,
)
from tests.workflows.helpers import client_for, current_task, pdf
from workflows.verdicts import exclusion_of

pytestmark = pytest.mark.django_db


def page_of(user, application) -> str:
    response = client_for(user).get(f"/workbench/applications/{application.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def verdict_cells(page: str) -> list[str]:
    """The text of each stay's 计入 cell, in order."""
    cells = page.split('<td class="af-stay-verdict">')[1:]
    return [cell.split("</td>")[0] for cell in cells]


def test_each_stay_left_out_says_why_and_a_missing_referral_links_to_the_form(policy, clerk, reviewer):
    """Seed 002 line ~1772: 定点医疗机构, 救助时限; lines ~1772, ~1792: 转诊 ... 方可救助."""
    admission, discharge = stay_dates()
    last_year = datetime.date(today().year - 1, 6, 1)
    stays = [
        StayFactory(),
        StayFactory(hospital="某私立医院", admission_date=admission.isoformat(), discharge_date=discharge.isoformat()),
        StayFactory(hospital=CITY_HOSPITAL_NAME, hospital_level=3),
        StayFactory(
            admission_date=last_year.isoformat(), discharge_date=(last_year + datetime.timedelta(days=9)).isoformat()
        ),
    ]
    with translation.override("zh-hans"):  # as the filing form files it: the reasons in Chinese
        filed = ApplicationFactory(user=clerk, data=FilingFactory(stays=stays))
    application = advance(filed, to="township_review")
    codes = [stay["excluded"] for stay in application.calculation["stays"]]
    assert codes == [None, "NOT_DESIGNATED", "NO_REFERRAL", "EXPENSE_OUT_OF_WINDOW"]
    page = page_of(reviewer, application)
    cells = verdict_cells(page)
    assert "不予计入" not in cells[0] and "是" in cells[0]
    assert "不予计入" in cells[1] and "出院之日不是定点医疗机构" in cells[1]
    assert "县外医院就医，未办理转诊备案" in cells[2]
    assert f"/workbench/referrals/?application={application.pk}&amp;stay=2#record" in cells[2]
    assert "出院时间超出救助时限" in cells[3] and "/workbench/referrals/" not in cells[3]
    # The gates' reasons read in Chinese, and on a phone the list below the table says it again.
    assert "第 2 次住院的医院在出院之日不是定点医疗机构" in page and "第 3 次住院在县外医院" in page
    assert "第3次住院不予计入：县外医院就医，未办理转诊备案" in page


def test_a_stay_outside_every_roll_period_says_so(policy, clerk, approver):
    """Status when the costs arose: a dibao stay before the person joined the roll is not counted."""
    admission, discharge = stay_dates()
    joined = discharge - datetime.timedelta(days=1)
    recipients_import(
        text=f"id_number,name,category,region,valid_from,valid_to\n{person('881')},王秀英,dibao,{BEIJIE},{joined},\n"
    )
    earlier = admission - datetime.timedelta(days=20)
    stays = [
        StayFactory(),
        StayFactory(
            hospital="陵城区中医院",
            admission_date=max(earlier, today().replace(month=1, day=1)).isoformat(),
            discharge_date=max(earlier + datetime.timedelta(days=5), today().replace(month=1, day=1)).isoformat(),
        ),
    ]
    data = FilingFactory(person=person("881"), category="dibao", aid_type="hospitalization", stays=stays)
    application = ApplicationFactory(user=clerk, data=data)
    if application.calculation["stays"][1]["counted"]:
        pytest.skip("early in January both stays fall on the roll's days")
    page = page_of(approver, application)
    cells = verdict_cells(page)
    assert "是" in cells[0] and "不予计入" not in cells[0]
    assert "住院期间不在该类救助对象名册上" in cells[1] and "/workbench/referrals/" not in cells[1]
    assert "已按每次住院期间核对本县名册" in page


def test_a_calculation_stored_before_stays_said_why_still_reads():
    """Calculations stored before `excluded` existed: the claim period, or the one gate named."""
    gate = [{"code": "NO_REFERRAL", "message": "..."}]
    assert exclusion_of({"in_window": False, "counted": False}, []) == "EXPENSE_OUT_OF_WINDOW"
    assert exclusion_of({"in_window": True, "counted": False}, gate) == "NO_REFERRAL"
    two = [*gate, {"code": "NOT_DESIGNATED", "message": "..."}]
    assert exclusion_of({"in_window": True, "counted": False}, two) is None  # which one: not said
    assert exclusion_of({"in_window": True, "counted": True}, gate) is None


def test_lists_filter_and_mark_cases_whose_insurance_figure_is_implausible(policy, clerk, reviewer, approver):
    """德人社〔2016〕32号: basic insurance entered as 0 is flagged, never blocked."""
    zero = StayFactory(basic_insurance="0.00")
    warned = advance(ApplicationFactory(user=clerk, data=FilingFactory(stays=[zero])), to="township_review")
    plain = advance(ApplicationFactory(user=clerk, data=FilingFactory(person=person("662"))), to="township_review")
    for user in (reviewer, approver):
        listed = client_for(user).get("/workbench/applications/").content.decode()
        row_of = {number: listed.split(number, 1)[1].split("</tr>", 1)[0] for number in (warned.number, plain.number)}
        assert "核实医保" in row_of[warned.number] and "核实医保" not in row_of[plain.number]
        only = client_for(user).get("/workbench/applications/", {"warning": "INSURANCE_IMPLAUSIBLE"}).content.decode()
        assert warned.number in only and plain.number not in only
        assert '<option value="INSURANCE_IMPLAUSIBLE" selected>基本医保报销明显偏低</option>' in only
    inbox = client_for(reviewer).get("/workbench/inbox/", {"warning": "INSURANCE_IMPLAUSIBLE"}).content.decode()
    assert warned.number in inbox and plain.number not in inbox
    page = page_of(reviewer, warned)
    assert "决定前请核实" in page and "af-cell--warn" in page and "请核实" in page
    assert "af-cell--warn" not in page_of(reviewer, plain)


def test_costs_excluded_on_review_and_the_guardian_are_on_the_page(policy, clerk, reviewer, approver):
    lowered = advance(ApplicationFactory(user=clerk), to="notice_delivery", excluded_costs=excluded("1000.00"))
    page = page_of(reviewer, lowered)
    assert "县级复核认定的不合规费用" in page and "第1次住院：剔除 1000.00 元——超出医保目录的自费药品" in page
    guardian = ApplicationFactory(user=clerk, data=guardian_filing())
    page = page_of(clerk, guardian)
    assert "张小军" in page and "患者居民身份证号码" in page
    assert "张海涛（监护人，代患者申请）" in page


def test_the_county_records_what_it_found_one_finding_a_line(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")
    page = page_of(approver, application)
    for row in (1, 2, 3):
        for field in ("stay", "amount", "reason"):
            assert f'name="excluded_{field}_{row}"' in page
    assert page.count('data-show-for="approve"') == 9
    # One finding a line on a desktop: the stay, the amount and the reason side by side.
    assert page.count("mdc-layout-grid__cell--span-4-desktop") >= 3
    assert page.count("mdc-layout-grid__cell--span-5-desktop") >= 3


def test_without_a_roll_the_village_adds_the_certificate_with_the_check(policy, clerk):
    """No roll, no word: where the county keeps no roll, the village forwards a key recipient's case
    only with the category certificate (INTERFACES section 11)."""
    application = ApplicationFactory(user=clerk, data=FilingFactory(category="dibao", aid_type="hospitalization"))
    page = page_of(clerk, application)
    assert "村级报送前须上传证明" in page and 'id="certificate-needed"' in page
    url = f"/workbench/applications/{application.pk}/tasks/{current_task(application).pk}/"
    web = client_for(clerk)
    refused = web.post(url, {"decision": "forward"})
    assert refused.status_code == 400 and 'id="task-errors"' in refused.content.decode()
    assert Application.objects.get(pk=application.pk).stage == "village_check"
    forwarded = web.post(url, {"decision": "forward", "kind": "category_certificate", "file": pdf("低保证.pdf")})
    assert forwarded.status_code == 302
    page = page_of(clerk, application)
    assert "以已上传的证明材料为准" in page and 'id="certificate-needed"' not in page
    assert Application.objects.get(pk=application.pk).documents.filter(kind="category_certificate").exists()
