"""Decision notices: real PDFs checked with poppler's tools, numbering, hashes, public verification."""

import datetime
import hashlib
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from aidflow.calendars.services import remedy_deadlines
from aidflow.notices.models import Notice
from aidflow.notices.money import money_figures, rmb_capitals
from aidflow.notices.rendering import notice_render
from tests.factories import EXCLUDED_REASON, ApplicationFactory, advance, excluded, person

pytestmark = pytest.mark.django_db
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "notices"
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext, pdffonts, pdftoppm)"
)


@pytest.mark.parametrize(
    ("amount", "capitals"),
    [
        ("1000.00", "壹仟元整"),
        ("1500.00", "壹仟伍佰元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("1000.05", "壹仟元零伍分"),
        ("1005.50", "壹仟零伍元伍角整"),  # "整" after 角 is optional; written for clarity
        ("10010.00", "壹万零壹拾元整"),
        ("100000.00", "壹拾万元整"),
        ("20000.00", "贰万元整"),
        ("0.50", "伍角整"),
        ("0.00", "零元整"),
        ("3400.10", "叁仟肆佰元壹角整"),
    ],
)
def test_amount_in_capitals(amount, capitals):
    assert rmb_capitals(Decimal(amount)) == capitals


def test_amount_in_figures():
    assert money_figures(Decimal("1000")) == "1,000.00元"
    assert money_figures(Decimal("12345.6")) == "12,345.60元"


def test_remedy_deadlines():
    assert remedy_deadlines(datetime.date(2026, 3, 20)) == {
        "reconsideration": datetime.date(2026, 5, 19),
        "lawsuit": datetime.date(2026, 9, 20),
    }
    assert remedy_deadlines(datetime.date(2026, 8, 31))["lawsuit"] == datetime.date(2027, 2, 28)


def pdf_text(notice) -> str:
    path = Path(notice.pdf.path)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def save_png(notice, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", notice.pdf.path, str(ARTIFACTS / name)],
        check=True,
    )


@needs_poppler
def test_approval_notice(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    notice = Notice.objects.get(application=application)
    assert notice.kind == "approval" and notice.number == f"陵城民救〔{timezone.localdate().year}〕1号"
    assert len(notice.sha256) == 64
    text = pdf_text(notice)
    for element in [
        "准予医疗救助决定书",
        notice.number,
        "德州市陵城区民政局",
        "1,000.00元",
        "壹仟元整",
        "六十日",
        "六个月",
        "德州市陵城区人民政府",
        "德州市陵城区人民法院",
        "1101**********002X",
        notice.verification_code,
        "德民〔2015〕69号",
        "王秀英",
    ]:
        assert element in text, element
    assert "11010519491231002X" not in text
    fonts = subprocess.run(["pdffonts", notice.pdf.path], capture_output=True, text=True, check=True).stdout
    cjk = [line for line in fonts.splitlines() if "Noto-Sans-CJK" in line or "NotoSansCJK" in line]
    assert cjk and all(" yes " in line for line in cjk)  # embedded
    save_png(notice, "approval")

    # Byte-identical downloads whose hash is the stored one; a second render changes nothing.
    client = Client()
    client.force_login(approver)
    first = b"".join(client.get(f"/workbench/notices/{notice.pk}/pdf/").streaming_content)
    second = b"".join(client.get(f"/workbench/notices/{notice.pk}/pdf/").streaming_content)
    assert first == second and hashlib.sha256(first).hexdigest() == notice.sha256
    assert notice_render(notice.pk).sha256 == notice.sha256


@needs_poppler
def test_costs_excluded_on_review_are_listed_with_their_reason(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    """The award is what the rules compute on the facts found (seed 002 line ~1784): the notice lists
    each cost the county excluded and why - this test was "a lower amount gives the reason" while the
    county could award less than computed."""
    application = advance(
        ApplicationFactory(user=clerk),
        to="notice_delivery",
        excluded_costs=excluded("1000.00"),
        capture=django_capture_on_commit_callbacks,
    )
    text = pdf_text(Notice.objects.get(application=application))
    assert "800.00元" in text and "捌佰元整" in text
    assert "1000.00元" in text and EXCLUDED_REASON in text


@needs_poppler
def test_rejection_notices_by_township_and_county(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    by_township = advance(
        ApplicationFactory(user=clerk),
        to="notice_delivery",
        reject_at="township_review",
        reasons="家庭人均收入高于当地低保标准1.3倍",
        capture=capture,
    )
    township_notice = Notice.objects.get(application=by_township)
    text = pdf_text(township_notice)
    # The township does not decide: it tells the applicant why, in its own series, with no remedies.
    for element in ["告知书", "神头镇人民政府", "神头民救告〔", "家庭人均收入高于当地低保标准1.3倍"]:
        assert element in text, element
    assert "决定书" not in text and "行政复议" not in text
    save_png(township_notice, "review-refusal-township")

    by_county = advance(
        ApplicationFactory(user=clerk),
        to="notice_delivery",
        reject_at="county_approval",
        reasons="经复核，住院费用已由商业保险全额赔付",
        capture=capture,
    )
    county_notice = Notice.objects.get(application=by_county)
    text = pdf_text(county_notice)
    for element in [
        "不予医疗救助决定书",
        "德州市陵城区民政局",
        "经复核，住院费用已由商业保险全额赔付",
        "六十日",
        "六个月",
    ]:
        assert element in text, element
    assert "德州市陵城区人民法院" in text
    save_png(county_notice, "rejection-county")


@needs_poppler
def test_supplement_notice(policy, clerk, reviewer, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk),
        to="supplement",
        return_at="township_review",
        reasons="请补充",
        missing=["家庭收入证明", "住院病历"],
        capture=django_capture_on_commit_callbacks,
    )
    notice = Notice.objects.get(application=application)
    assert notice.kind == "supplement" and "补〔" in notice.number
    text = pdf_text(notice)
    for element in ["补正材料通知书", "家庭收入证明", "住院病历", "神头镇人民政府", notice.number]:
        assert element in text, element
    save_png(notice, "supplement")


def test_public_verification(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    notice = Notice.objects.get(application=application)
    anonymous = Client()
    page = anonymous.get(f"/verify/{notice.verification_code}")
    assert page.status_code == 200
    text = page.content.decode()
    assert notice.number in text and notice.sha256 in text and "王*英" in text
    assert "11010519491231002X" not in text and "王秀英" not in text
    assert anonymous.get("/verify/NOSUCHCODE234").status_code == 404


def test_numbering_is_gap_free_per_authority_and_year(
    policy, clerk, reviewer, approver, django_capture_on_commit_callbacks
):
    numbers = [
        Notice.objects.get(
            application=advance(
                ApplicationFactory(user=clerk, data__person=person(f"00{index}")),
                to="notice_delivery",
                capture=django_capture_on_commit_callbacks,
            )
        ).number
        for index in range(3)
    ]
    year = timezone.localdate().year
    assert numbers == [f"陵城民救〔{year}〕{index}号" for index in (1, 2, 3)]


def test_missing_font_fails_clearly(policy, clerk, reviewer, approver, monkeypatch, django_capture_on_commit_callbacks):
    import aidflow.notices.rendering as rendering

    monkeypatch.setattr(rendering, "cjk_font_available", lambda: False)
    # The decision stands; the notice waits for its PDF and the operator is told why.
    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    assert application.status == "approved"
    assert Notice.objects.get(application=application).sha256 == ""
    with pytest.raises(rendering.NoticeFontMissing, match="fonts-noto-cjk"):
        rendering.notice_render(Notice.objects.get(application=application).pk)
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("render_notices")


def test_delivery_shows_remedy_deadlines(policy, clerk, reviewer, approver, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    client = Client()
    client.force_login(reviewer)
    page = client.get(f"/workbench/applications/{application.pk}/").content.decode()
    notice = Notice.objects.get(application=application)
    assert notice.number in page  # the delivery step names the notice to deliver
    delivered = timezone.localdate()
    advance(application, to="closed", capture=django_capture_on_commit_callbacks)
    page = client.get(f"/workbench/applications/{application.pk}/").content.decode()
    assert remedy_deadlines(delivered)["reconsideration"].isoformat() in page
    assert remedy_deadlines(delivered)["lawsuit"].isoformat() in page


def test_render_notices_command_catches_up(policy, clerk, reviewer, approver, capsys):
    # Without running the after-commit render, the notice waits without a PDF ...
    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    notice = Notice.objects.get(application=application)
    assert notice.sha256 == ""
    from django.core.management import call_command

    call_command("render_notices")
    notice.refresh_from_db()
    assert len(notice.sha256) == 64 and "1 notices rendered." in capsys.readouterr().out
    call_command("render_notices")
    assert "0 notices rendered." in capsys.readouterr().out


@needs_poppler
def test_a_correction_is_a_new_notice_naming_the_old(
    policy, clerk, reviewer, approver, outsider, django_capture_on_commit_callbacks, capsys
):
    from django.core.management import CommandError, call_command

    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    old = Notice.objects.get(application=application)
    old_bytes = Path(old.pdf.path).read_bytes()
    with pytest.raises(CommandError, match="county approver"):
        call_command("correct_notice", "--number", old.number, "--by", reviewer.username, "--reason", "x")
    with pytest.raises(CommandError):
        call_command("correct_notice", "--number", old.number, "--by", outsider.username, "--reason", "x")
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "correct_notice", "--number", old.number, "--by", approver.username, "--reason", "更正申请人户籍地"
        )
    new = Notice.objects.get(replaces=old)
    assert new.number != old.number and new.kind == "approval" and len(new.sha256) == 64
    flat = "".join(pdf_text(new).split())  # lines wrap inside long sentences
    assert f"本文书更正并替代{old.number}" in flat and "更正申请人户籍地" in flat
    # The old PDF is untouched; its verification now says it was replaced.
    old.refresh_from_db()
    assert Path(old.pdf.path).read_bytes() == old_bytes
    page = Client().get(f"/verify/{old.verification_code}").content.decode()
    assert new.number in page
    with pytest.raises(CommandError, match="already been replaced"):
        call_command("correct_notice", "--number", old.number, "--by", approver.username, "--reason", "again")


def test_verification_names_the_notice_type(policy, clerk, reviewer, django_capture_on_commit_callbacks):
    application = advance(
        ApplicationFactory(user=clerk),
        to="notice_delivery",
        reject_at="township_review",
        capture=django_capture_on_commit_callbacks,
    )
    notice = Notice.objects.get(application=application)
    assert notice.kind == "review_refusal"
    text = Client().get(f"/verify/{notice.verification_code}").content.decode()
    # 审核不予通过告知书 under 文书类型 - not a supplement request (补正材料通知书) under 材料类别.
    assert "文书类型" in text and "审核不予通过告知书" in text
    assert "补正材料通知书" not in text and "材料类别" not in text
