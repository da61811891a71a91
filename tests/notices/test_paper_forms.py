"""The printed forms: the 申请审批表 of a case and the 入户调查表, as real PDFs read back with poppler -
their words, numbers, opinions, signature boxes and page count - served only to those who may open
the case, each print of a case recorded in the audit log."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from aidflow.audit.models import AuditEvent, PendingRead
from aidflow.audit.services import audit_seal_reads
from aidflow.cases.models import Application
from tests.factories import ApplicationFactory, FilingFactory, StayFactory, advance, stay_dates

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdfinfo, pdftoppm)"),
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "paper"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_url(application) -> str:
    return f"/workbench/applications/{application.pk}/form.pdf"


def read_pdf(data: bytes, tmp_path, name: str) -> tuple[str, list[str]]:
    """The whole text with no white space (sentences wrap across lines), and each page's text."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    texts = [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for page in range(1, pages + 1)
    ]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(ARTIFACTS / name)], check=True)
    return "".join("".join(texts).split()), ["".join(text.split()) for text in texts]


def down_the_side(title: str, text: str) -> bool:
    """A section's name printed down the left edge, one character a line: pdftotext -layout puts the
    lines of the text beside it in between."""
    return re.search(".{0,120}?".join(map(re.escape, title)), text) is not None


def prints(action: str, application, user) -> int:
    audit_seal_reads()
    return AuditEvent.objects.filter(action=action, application=application, actor=user).count()


def test_the_form_of_a_decided_case(policy, clerk, reviewer, approver, tmp_path):
    application = advance(ApplicationFactory(user=clerk), to="closed")
    response = client_for(reviewer).get(form_url(application))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;") and "no-store" in response["Cache-Control"]
    text, pages = read_pdf(response.content, tmp_path, "application-form-closed")
    assert len(pages) == 1
    application = Application.objects.get(pk=application.pk)
    for expected in (
        "医疗救助申请审批表",
        application.number,
        "王秀英",
        application.id_number,  # the full ID: this is the office's case file
        "13800000000",
        "陵城区神头镇北街",
        "3人",
        "1,200.00元",
        "400.00元",
        "王大山（配偶，月收入800元）",
        "低收入人员",
        "重特大疾病医疗救助",
        "陵城区人民医院",
        "肺恶性肿瘤",
        "C34.9",
        "60,000.0052,000.0030,000.005,000.00",  # total, compliant, basic insurance, serious illness
        "17,000.00",
        "家庭月收入1,200元，3口人，人均400元，不高于农村低保标准400元（演示数值，非本地实际标准）的1.3倍",
    ):
        assert expected in text, expected
    # The calculation in words, not formulas.
    assert "合规费用52,000元，基本医保已报销30,000元、大病保险5,000元，剩余17,000元。" in text
    assert "扣除年度起付线12,000元后的5,000元按20%救助，救助金额1,000元。" in text
    assert "min(" not in text and " × " not in text
    assert "审批救助金额：1,000.00元（大写：壹仟元整）" in text
    # Each level's opinion with the person and the date, and the boxes for signature and seal.
    day = f"{timezone.localdate():%Y}年{timezone.localdate().month}月{timezone.localdate().day}日"
    assert down_the_side("村级核查意见", text) and "经核查，同意上报乡镇（街道）审核。" in text
    assert down_the_side("乡镇审核意见", text) and "调查情况：入户核实属实" in text and f"入户调查：{day}" in text
    assert "审核意见：符合救助条件，同意报县级民政部门审批。" in text
    assert down_the_side("县级审批意见", text) and "审批意见：同意给予重特大疾病医疗救助，救助金额1,000元" in text
    for name in ("李秀英", "刘志强", "陈明"):
        assert f"经办人：{name}日期：{day}" in text, name
    assert "送达：准予医疗救助决定书" in text
    assert text.count("经办人签字") == 3 and text.count("单位盖章") == 3
    assert "神头镇北街村民委员会" in text and "神头镇人民政府" in text and "民政局" in text
    assert "申请人（签字或按手印）" in text
    assert prints("application_form_printed", application, reviewer) == 1


def test_a_case_in_progress_leaves_the_next_levels_to_write(policy, clerk, approver, tmp_path):
    application = ApplicationFactory(user=clerk)
    response = client_for(clerk).get(form_url(application))
    text, pages = read_pdf(response.content, tmp_path, "application-form-new")
    assert len(pages) == 1
    assert "正在本级办理，意见待签署。" in text and text.count("待办理。") == 2
    assert "核算救助金额：1,000.00元" in text and "审批救助金额" not in text
    assert text.count("经办人签字") == 3


def test_many_stays_take_two_pages_and_no_page_holds_a_signature_box_alone(policy, clerk, reviewer, approver, tmp_path):
    stays = [StayFactory(dates=stay_dates(length=0, days_ago=day), eligible_cost="40000.00") for day in range(1, 9)]
    members = [
        {"name": name, "relation": relation, "monthly_income": "300.00"}
        for name, relation in (("王大山", "配偶"), ("王小明", "儿子"), ("李芳", "儿媳"), ("王乐乐", "孙子"))
    ]
    data = FilingFactory(region=clerk.staff.region_id, stays=stays, household={**FilingFactory()["household"]})
    data["household"].update(size=5, members=members)
    application = advance(
        ApplicationFactory(user=clerk, data=data), to="closed", return_at="township_review", missing=["户口簿"]
    )
    response = client_for(approver).get(form_url(application))
    text, pages = read_pdf(response.content, tmp_path, "application-form-many-stays")
    assert len(pages) == 2
    assert (
        "八次住院（明细见上表）共计合规费用320,000元，基本医保已报销240,000元、大病保险40,000元，剩余40,000元。" in text
    )
    assert "王乐乐" in text and "王大山（配偶，月收入300元）" in text
    assert "乡镇（街道）退回补正，需补充：户口簿。" in text and "补正材料后重新提交" in text
    # The opinions move whole to the second page, each with its words, its person and its boxes.
    assert "经办人签字" not in pages[0] and pages[1].count("经办人签字") == 3
    assert pages[1].count("经办人：") == 3 and "审批意见：" in pages[1]
    assert all(f"申请编号{application.number}" in page for page in pages)  # each sheet names its case


@pytest.mark.parametrize(
    "persona",
    ["clerk", "neighbour_clerk", "reviewer", "other_reviewer", "approver", "auditor", "outsider", "far_clerk"],
)
def test_scoped_exactly_like_the_case_page(policy, clerk, persona, request):
    application = ApplicationFactory(user=clerk)
    user = request.getfixturevalue(persona)
    client = client_for(user)
    page = client.get(f"/workbench/applications/{application.pk}/").status_code
    form = client.get(form_url(application)).status_code
    assert form == page and form in (200, 404)
    assert prints("application_form_printed", application, user) == (1 if form == 200 else 0)
    if persona in ("outsider", "far_clerk", "other_reviewer"):
        assert form == 404
        assert client.get(f"/workbench/applications/{application.pk}/survey.pdf").status_code == 404
        assert prints("survey_form_printed", application, user) == 0


def test_every_download_is_recorded(policy, clerk, approver):
    application = ApplicationFactory(user=clerk)
    client = client_for(approver)
    for _time in range(2):
        assert client.get(form_url(application)).status_code == 200
    assert PendingRead.objects.filter(action="application_form_printed").count() == 2
    assert prints("application_form_printed", application, approver) == 2
    assert client.get("/workbench/applications/999999/form.pdf").status_code == 404


def test_the_api_serves_the_same_form(policy, clerk, outsider, tmp_path):
    application = ApplicationFactory(user=clerk)
    api = APIClient()
    api.force_authenticate(clerk)
    response = api.get(f"/api/v1/applications/{application.pk}/form.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text, _pages = read_pdf(response.content, tmp_path, "application-form-api")
    assert application.number in text and "王秀英" in text
    assert prints("application_form_printed", application, clerk) == 1
    api.force_authenticate(outsider)
    refused = api.get(f"/api/v1/applications/{application.pk}/form.pdf")
    assert refused.status_code == 404 and "detail" in refused.json()
    assert APIClient().get(f"/api/v1/applications/{application.pk}/form.pdf").status_code in (401, 403)


def test_the_form_is_chinese_for_an_english_reader(policy, clerk, reviewer, approver, tmp_path):
    application = advance(ApplicationFactory(user=clerk), to="closed")
    client = client_for(approver)
    client.cookies["django_language"] = "en"
    text, _pages = read_pdf(client.get(form_url(application)).content, tmp_path, "application-form-english-reader")
    assert "同意给予重特大疾病医疗救助" in text and "Major-disease" not in text and "approved" not in text


def test_the_blank_survey_form(policy, reviewer, tmp_path):
    response = client_for(reviewer).get("/workbench/forms/survey.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text, pages = read_pdf(response.content, tmp_path, "survey-blank")
    assert len(pages) == 1
    for section in ("家庭成员", "收入来源", "住房", "财产", "医疗报销", "保险帮扶", "结论"):
        assert down_the_side(section, text), section
    for expected in (
        "医疗救助入户调查表",
        "健康状况",
        "月收入（元）",
        "工资性收入",
        "转移性收入（养老金、低保金、赡养费等）",
    ):
        assert expected in text, expected
    for expected in (
        "自有",
        "存款、有价证券、理财合计约",
        "基本医保已报",
        "大病保险已报",
        "商业保险",
        "社会帮扶",
        "慈善救助",
    ):
        assert expected in text, expected
    assert "被调查人（签字或按手印）" in text and "调查人员（签字）" in text and "乡镇（街道）（盖章）" in text
    assert "申请编号" in text and "371403" not in text
    assert not AuditEvent.objects.filter(action="survey_form_printed").exists()
    assert not PendingRead.objects.filter(action="survey_form_printed").exists()


def test_the_survey_form_of_a_case(policy, clerk, reviewer, tmp_path):
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    response = client_for(reviewer).get(f"/workbench/applications/{application.pk}/survey.pdf")
    assert response.status_code == 200
    text, pages = read_pdf(response.content, tmp_path, "survey-case")
    assert len(pages) == 1
    assert application.number in text and "王秀英" in text and "陵城区神头镇北街" in text
    assert application.id_number not in text  # the visit needs the name, not the ID number
    assert prints("survey_form_printed", application, reviewer) == 1


def test_where_the_forms_are_linked(policy, clerk, reviewer):
    application = advance(ApplicationFactory(user=clerk), to="township_review")
    client = client_for(reviewer)
    page = client.get(f"/workbench/applications/{application.pk}/").content.decode()
    assert f'href="/workbench/applications/{application.pk}/form.pdf"' in page and "打印申请审批表" in page
    assert f'href="/workbench/applications/{application.pk}/survey.pdf"' in page and "打印入户调查表" in page
    assert 'href="/workbench/forms/survey.pdf"' in client.get("/workbench/").content.decode()
    assert 'href="/workbench/forms/survey.pdf"' in client.get("/workbench/inbox/").content.decode()
    assert 'href="/workbench/forms/survey.pdf"' not in client_for(clerk).get("/workbench/").content.decode()


def test_a_case_without_a_policy_says_why_there_is_no_amount(regions, clerk, tmp_path):
    import json

    from aidflow.policy.services import policy_load
    from tests.factories import POLICY_FILE

    policy_load(data=json.loads(POLICY_FILE.read_text(encoding="utf-8")))  # expired in 2020: nothing applies today
    application = ApplicationFactory(user=clerk)
    assert application.calculation["eligible"] is False and application.policy is None
    text, pages = read_pdf(client_for(clerk).get(form_url(application)).content, tmp_path, "application-form-no-policy")
    assert len(pages) == 1
    # In Chinese, though the calculation's messages were written for an English reader (this test's language).
    assert "按政策计算不符合救助条件（申请日该地区没有适用的医疗救助政策），救助金额0元。" in text
    assert "陵城区民政部门" in text and "演示政策" not in text


def test_a_guardian_applies_and_the_county_excludes_costs(policy, clerk, reviewer, approver, tmp_path):
    """The patient's guardian applied; on review the county took 2,000 of non-compliant cost off the stay."""
    import datetime

    from aidflow.cases.selectors import open_task
    from aidflow.cases.services.tasks import task_complete
    from tests.factories import WANG_XIUYING, person

    guardian_id = person("201", birth=datetime.date(1975, 5, 5))
    data = FilingFactory(region=clerk.staff.region_id)
    data["applicant"] = {"name": "王建国", "id_number": guardian_id, "phone": "13900000000", "relationship": "guardian"}
    data["patient"] = {**data["patient"], "name": "王秀英", "id_number": WANG_XIUYING}
    # A second stay at a hospital not on the register of designated hospitals: it does not count.
    data["stays"].append(StayFactory(hospital="某私立医院", hospital_code="", dates=stay_dates(length=2, days_ago=20)))
    application = advance(ApplicationFactory(user=clerk, data=data), to="county_approval")
    excluded = [{"stay": 0, "amount": "2000.00", "reason": "自费药品"}]
    task_complete(
        user=approver,
        task_id=open_task(application).pk,
        payload={"decision": "approve", "excluded_costs": excluded},
    )
    application = Application.objects.get(pk=application.pk)
    assert application.amount == 600  # (52,000 - 2,000 - 30,000 - 5,000 - 12,000) x 20%
    text, pages = read_pdf(
        client_for(approver).get(form_url(application)).content, tmp_path, "application-form-guardian"
    )
    assert len(pages) == 1
    assert "患者姓名王秀英" in text and "王建国（监护人）" in text and guardian_id in text and WANG_XIUYING in text
    assert "合规费用52,000元，经复核剔除不合规费用2,000元（自费药品）后为50,000元，" in text
    assert "剩余15,000元；" in text and "扣除年度起付线12,000元后的3,000元按20%救助，救助金额600元。" in text
    assert "但该次住院的医院（某私立医院）出院之日不是定点医疗机构，不予计入。" in text
    assert "见核算说明" in text  # beside the stay that does not count
    assert "经复核，剔除第1次住院不合规费用2,000元（自费药品）" in text
    assert "−2,000.00" in text  # under the compliant cost in the table of stays
    assert "审批救助金额：600.00元（大写：陆佰元整）" in text
