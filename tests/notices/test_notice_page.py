"""A notice on paper as the applicant gets it: every kind fits one A4 page at the demo's lengths, the
amount is told in sentences (the formula lines stay on the case page), no policy code is printed, and a
notice too long for one page never leaves the QR code and the seal alone on the last one. Each notice
is rendered to PNG in test-artifacts/notices/ to be looked at."""

import datetime
import shutil
import subprocess
from pathlib import Path

import pytest

from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.tasks import task_complete
from aidflow.notices.models import Notice
from aidflow.notices.services import notice_correct
from aidflow.policy.plain_words import amount_in_words
from tests.factories import (
    CITY_HOSPITAL,
    CITY_HOSPITAL_NAME,
    LINGCHENG_HOSPITAL_NAME,
    SECOND_HOSPITAL_NAME,
    WANG_XIUYING,
    ApplicationFactory,
    FilingFactory,
    StayFactory,
    advance,
    person,
    stay_dates,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "notices"
# What the applicant must never have to read: the calculator's formula lines.
FORMULA_MARKS = ("min(", "封顶线剩余", "×", "÷")
# The last words of each kind, printed with the signature block.
LAST_TEXT = {
    "approval": "提起行政诉讼",
    "rejection": "提起行政诉讼",
    "review_refusal": "可以重新提出申请",
    "supplement": "办理期限重新计算",
}


def pages_of(notice: Notice, name: str) -> list[str]:
    """Each page's text with no white space (sentences wrap across lines); the pages saved as PNG."""
    path = notice.pdf.path
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    count = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), path, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for page in range(1, count + 1)
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", path, str(ARTIFACTS / f"page-{name}")], check=True)
    return ["".join(text.split()) for text in texts]


def notice_of(application, kind: str) -> Notice:
    return Notice.objects.filter(application=application, kind=kind).order_by("-pk").first()


def words_of(application) -> list[str]:
    application = Application.objects.get(pk=application.pk)
    return amount_in_words(
        stays=list(application.stays.all()),
        calculation=application.calculation,
        excluded_costs=application.excluded_costs,
    )


def assert_one_plain_page(notice: Notice, name: str, policy) -> str:
    pages = pages_of(notice, name)
    assert len(pages) == 1, f"{name}: {len(pages)} pages"
    text = pages[0]
    for mark in FORMULA_MARKS:
        assert mark not in text, (name, mark)
    assert policy.code not in text and "dezhou-" not in text, name
    assert LAST_TEXT[notice.kind] in text and "核验码" in text and "（盖章）" in text, name
    return text


def two_stays(**first) -> list[dict]:
    """The demo's longest case (孙德明): a stay at the city's hospital on a referral, then one at the
    county's own hospital."""
    return [
        StayFactory(
            hospital=CITY_HOSPITAL_NAME,
            hospital_code=CITY_HOSPITAL,
            hospital_level=3,
            dates=stay_dates(length=14, days_ago=40),
            **first,
        ),
        StayFactory(
            hospital=SECOND_HOSPITAL_NAME,
            dates=stay_dates(length=8, days_ago=20),
            diagnosis="脑梗死",
            icd10="I63.9",
            total_cost="10080.00",
            eligible_cost="9000.00",
            basic_insurance="6500.00",
            serious_illness_insurance="0.00",
        ),
    ]


def refer(clerk, id_number: str, name: str, stay: dict) -> None:
    from aidflow.rolls.referrals import referral_record

    referral_record(
        user=clerk,
        data={
            "id_number": id_number,
            "name": name,
            "to_hospital_code": stay["hospital_code"],
            "date": stay["admission_date"],
            "diagnosis": stay["diagnosis"],
        },
    )


def test_an_approval_of_two_stays_explains_the_amount_in_words(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    data = FilingFactory(region=clerk.staff.region_id, stays=two_stays())
    refer(clerk, WANG_XIUYING, "王秀英", data["stays"][0])
    application = advance(
        ApplicationFactory(user=clerk, data=data), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    assert str(application.amount) == "1500.00"
    text = assert_one_plain_page(notice_of(application, "approval"), "approval-two-stays", policy)
    assert "救助金额的计算" in text
    for sentence in words_of(application):
        assert sentence in text, sentence
    assert "第1次住院（德州市人民医院）合规费用52,000元，基本医保已报销30,000元、大病保险5,000元，剩余17,000元" in text
    assert "两次住院可计入的剩余费用合计19,500元。" in text
    assert "扣除年度起付线12,000元后的7,500元按20%救助，救助金额1,500元。" in text
    assert "1,500.00元" in text and "壹仟伍佰元整" in text
    # The policy by its title and the text's own headings, never by its file's code.
    assert "德民〔2015〕69号" in text and "五、（一）2." in text


def test_an_approval_at_zero_below_the_deductible(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    small = StayFactory(eligible_cost="40000.00", basic_insurance="30000.00", serious_illness_insurance="5000.00")
    application = advance(
        ApplicationFactory(user=clerk, data=FilingFactory(region=clerk.staff.region_id, stays=[small])),
        to="notice_delivery",
        capture=django_capture_on_commit_callbacks,
    )
    assert str(application.amount) == "0.00"
    text = assert_one_plain_page(notice_of(application, "approval"), "approval-zero", policy)
    assert "剩余费用5,000元未超过年度起付线12,000元，救助金额0元。" in text
    assert "不予救助" not in text  # an approval, at 0.00: the words must not say the opposite
    assert "0.00元" in text and "零元整" in text and "起付线累计" in text


def test_a_guardians_approval_with_costs_excluded_on_both_stays_and_then_corrected(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    """The longest notice the demo's cases make: a guardian applies, two stays, the county excludes costs
    from both; then the notice is corrected (one more paragraph)."""
    guardian_id = person("201", birth=datetime.date(1984, 7, 9))
    data = FilingFactory(region=clerk.staff.region_id, stays=two_stays())
    data["applicant"] = {"name": "张海涛", "id_number": guardian_id, "phone": "13900000000", "relationship": "guardian"}
    data["patient"] = {**data["patient"], "name": "王秀英", "id_number": WANG_XIUYING}
    refer(clerk, WANG_XIUYING, "王秀英", data["stays"][0])
    application = advance(ApplicationFactory(user=clerk, data=data), to="county_approval")
    excluded = [
        {"stay": 0, "amount": "2000.00", "reason": "超出医保目录的自费药品"},
        {"stay": 1, "amount": "500.00", "reason": "非治疗必需的检查费用"},
    ]
    with django_capture_on_commit_callbacks(execute=True):
        task_complete(
            user=approver,
            task_id=open_task(application).pk,
            payload={"decision": "approve", "excluded_costs": excluded},
        )
    application = Application.objects.get(pk=application.pk)
    assert str(application.amount) == "1000.00"  # (15,000 + 2,000 - 12,000) x 20%
    notice = notice_of(application, "approval")
    text = assert_one_plain_page(notice, "approval-guardian-excluded", policy)
    assert "申请人：张海涛（患者王秀英的监护人，代患者申请）" in text
    assert "合规费用52,000元，经复核剔除不合规费用2,000元（超出医保目录的自费药品）后为50,000元" in text
    assert "合规费用9,000元，经复核剔除不合规费用500元（非治疗必需的检查费用）后为8,500元" in text
    for sentence in words_of(application):
        assert sentence in text, sentence
    with django_capture_on_commit_callbacks(execute=True):
        corrected = notice_correct(notice_id=notice.pk, user=approver, reason="更正申请人与患者的关系")
    corrected.refresh_from_db()
    text = assert_one_plain_page(corrected, "approval-guardian-corrected", policy)
    assert f"本文书更正并替代{notice.number}" in text


def test_a_county_rejection(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    data = FilingFactory(region=clerk.staff.region_id, stays=two_stays())
    refer(clerk, WANG_XIUYING, "王秀英", data["stays"][0])
    reasons = "经复核，两次住院费用已由商业保险全额赔付，申请人另有商业保险理赔款，不符合医疗救助条件。"
    application = advance(
        ApplicationFactory(user=clerk, data=data),
        to="notice_delivery",
        reject_at="county_approval",
        reasons=reasons,
        capture=django_capture_on_commit_callbacks,
    )
    text = assert_one_plain_page(notice_of(application, "rejection"), "rejection", policy)
    assert "不予医疗救助决定书" in text and reasons in text and "六个月" in text
    # The calculation found aid due: a refusal does not print the amount it refuses.
    assert "救助金额1,500元" not in text


def test_a_township_refusal_of_an_applicant_above_the_income_limit(
    policy, clerk, reviewer, django_capture_on_commit_callbacks
):
    data = FilingFactory(region=clerk.staff.region_id, stays=two_stays())
    data["household"]["monthly_income"] = "3000.00"
    refer(clerk, WANG_XIUYING, "王秀英", data["stays"][0])
    application = advance(
        ApplicationFactory(user=clerk, data=data),
        to="notice_delivery",
        reject_at="township_review",
        reasons="家庭人均收入高于当地低保标准1.3倍，不符合低收入人员救助条件。",
        capture=django_capture_on_commit_callbacks,
    )
    assert application.calculation["eligible"] is False
    text = assert_one_plain_page(notice_of(application, "review_refusal"), "review-refusal", policy)
    assert "告知书" in text and "决定书" not in text and "行政复议" not in text
    assert "按政策计算不符合救助条件（家庭人均月收入高于低收入人员的收入标准），救助金额0元。" in text
    for sentence in words_of(application):
        assert sentence in text, sentence


def test_a_supplement_request(policy, clerk, reviewer, django_capture_on_commit_callbacks):
    data = FilingFactory(region=clerk.staff.region_id, stays=two_stays())
    refer(clerk, WANG_XIUYING, "王秀英", data["stays"][0])
    application = advance(
        ApplicationFactory(user=clerk, data=data),
        to="supplement",
        return_at="township_review",
        reasons="请补充住院费用结算单原件和家庭收入证明。",
        missing=["住院费用结算单原件", "家庭收入证明", "户口簿"],
        capture=django_capture_on_commit_callbacks,
    )
    text = assert_one_plain_page(notice_of(application, "supplement"), "supplement", policy)
    assert "补正材料通知书" in text and "户口簿" in text and "救助金额" not in text


def test_a_notice_too_long_for_one_page_keeps_its_last_text_with_the_seal(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    """Far beyond the demo: sixteen stays. The notice runs to a second page, and that page holds the
    remedies with the QR code and the seal - never the QR code and the seal alone."""
    # Eight one-day stays at each of the county's two hospitals: a stay is its hospital and admission
    # day, and eight past days fit in the year even on 10 January (the CI's moved clock).
    stays = [
        StayFactory(
            dates=stay_dates(length=0, days_ago=1 + index // 2),
            eligible_cost="40000.00",
            hospital=LINGCHENG_HOSPITAL_NAME if index % 2 == 0 else SECOND_HOSPITAL_NAME,
        )
        for index in range(16)
    ]
    application = advance(
        ApplicationFactory(user=clerk, data=FilingFactory(region=clerk.staff.region_id, stays=stays)),
        to="notice_delivery",
        capture=django_capture_on_commit_callbacks,
    )
    pages = pages_of(notice_of(application, "approval"), "approval-sixteen-stays")
    assert len(pages) == 2
    last = pages[-1]
    assert "核验码" in last and "（盖章）" in last
    assert "四、救济途径" in last and "提起行政诉讼" in last
    assert "min(" not in "".join(pages)


def test_a_notice_issued_before_the_words_takes_them_from_its_case_when_rendered(policy, clerk, reviewer, approver):
    from aidflow.notices.rendering import notice_render

    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    notice = notice_of(application, "approval")
    assert notice.sha256 == ""  # not rendered yet: no after-commit work ran
    content = dict(notice.content)
    content.pop("amount_words")
    Notice.objects.filter(pk=notice.pk).update(content=content)
    text = assert_one_plain_page(notice_render(notice.pk), "approval-issued-before-the-words", policy)
    assert "扣除年度起付线12,000元后的5,000元按20%救助，救助金额1,000元。" in text
