"""Notices as the text allows them: the township tells (告知书), only the county decides (决定书);
citations by the policy's own headings; the demo policy is labelled; diagnoses are shown."""

import re
import shutil
import subprocess

import pytest

from aidflow.cases.services.filing import application_file
from aidflow.notices.models import Notice
from tests.factories import FilingFactory, advance
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")


def pdf_text(notice: Notice, tmp_path) -> str:
    notice.refresh_from_db()
    path = tmp_path / f"{notice.pk}.pdf"
    path.write_bytes(notice.pdf.open("rb").read())
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@needs_pdftotext
def test_a_township_refusal_is_a_notice_not_a_decision(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks, tmp_path
):
    application = advance(
        application_file(user=clerk, data=FilingFactory()),
        to="notice_delivery",
        reject_at="township_review",
        reasons="家庭人均收入高于限额",
        capture=django_capture_on_commit_callbacks,
    )
    notice = application.notices.get()
    assert notice.kind == "review_refusal" and notice.stage == "township_review"
    assert notice.number.startswith("神头民救告〔")  # its own series
    text = squeeze(pdf_text(notice, tmp_path))
    assert "告知书" in text and "决定书" not in text
    assert "神头镇人民政府" in text and "家庭人均收入高于限额" in text
    assert "行政复议" not in text  # nothing was decided, so nothing to appeal
    assert "四、（四）（2）②" in text


@needs_pdftotext
def test_the_county_refusal_stays_a_decision_with_remedies(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks, tmp_path
):
    application = advance(
        application_file(user=clerk, data=FilingFactory()),
        to="notice_delivery",
        reject_at="county_approval",
        capture=django_capture_on_commit_callbacks,
    )
    notice = application.notices.get()
    text = squeeze(pdf_text(notice, tmp_path))
    assert notice.kind == "rejection" and "不予医疗救助决定书" in text and "行政复议" in text


@needs_pdftotext
def test_no_notice_cites_articles_the_text_does_not_have(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks, tmp_path
):
    returned = advance(
        application_file(user=clerk, data=FilingFactory()),
        to="closed",
        return_at="township_review",
        capture=django_capture_on_commit_callbacks,
    )
    refused = advance(
        application_file(
            user=clerk, data=FilingFactory(stays=[{**FilingFactory()["stays"][0], "hospital": "陵城区中医院"}])
        ),
        to="notice_delivery",
        reject_at="township_review",
        capture=django_capture_on_commit_callbacks,
    )
    kinds = set()
    for notice in Notice.objects.filter(application__in=[returned, refused]):
        text = squeeze(pdf_text(notice, tmp_path))
        kinds.add(notice.kind)
        assert not re.search(r"第[一二三四五六七八九十百0-9]+条", text), notice.kind
        assert "演示政策" in text  # made under the demo stand-in
    assert kinds == {"supplement", "approval", "review_refusal"}
    approval = Notice.objects.get(application=returned, kind="approval")
    text = squeeze(pdf_text(approval, tmp_path))
    assert "五、（一）2." in text and "四、（四）（2）③" in text  # low-income major disease, county approval
    assert "肺恶性肿瘤" in text or "诊断" in text


def test_the_case_page_labels_the_demo_policy_and_the_roll_check(policy, clerk):
    application = application_file(user=clerk, data=FilingFactory(category="dibao", aid_type="hospitalization"))
    page = client_for(clerk).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert "演示政策" in page or "Demo policy" in page
    assert "roll" in page or "名册" in page
    assert application.roll_checked is False


def test_remedies_are_shown_only_for_a_decision(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    told = advance(
        application_file(user=clerk, data=FilingFactory()),
        to="closed",
        reject_at="township_review",
        capture=django_capture_on_commit_callbacks,
    )
    from workflows.views import remedies_of

    assert told.status == "rejected" and remedies_of(told) is None
