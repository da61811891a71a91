"""The notice's fonts: the one-pass subsetting writes the bytes weasyprint's two passes write, and
rare characters of names print in the CJK font, not as empty boxes."""

import shutil
import subprocess

import pytest

from aidflow.notices import pdf_fonts, rendering
from aidflow.notices.models import Notice
from tests.factories import ApplicationFactory, advance

needs_cjk_font = pytest.mark.skipif(not rendering.cjk_font_available(), reason="needs fonts-noto-cjk")
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")
# Extension A, B and E characters that Noto Sans CJK SC draws: 刘䶮's 䶮, 𠮷, 𬌗, 㛃.
RARE_NAME = "刘䶮𠮷𬌗㛃"


def embedded_fonts(monkeypatch, html: str, **options) -> list:
    """The fonts weasyprint embeds for `html`, each with the glyphs and hinting it was subset for."""
    from weasyprint import HTML
    from weasyprint.pdf.fonts import Font

    seen = []
    clean = Font.clean

    def keep(font, to_unicode, hinting):
        seen.append((font, dict(to_unicode), hinting))
        return clean(font, to_unicode, hinting)

    monkeypatch.setattr(Font, "clean", keep)
    HTML(string=html).write_pdf(font_config=rendering._font_config(), **options)
    return seen


@needs_cjk_font
@pytest.mark.parametrize("hinting", [False, True])
def test_one_pass_subset_is_byte_for_byte_weasyprints(monkeypatch, hinting):
    assert pdf_fonts.use_one_pass_subsetting(), "weasyprint is no longer the version the one pass was read from"
    html = (
        f'<body style="font-family: {rendering.CJK_FONT_FAMILY}">准予医疗救助决定书 申请人：{RARE_NAME}'
        "<b>救助金额：1,500.00元（壹仟伍佰元整）</b> abc 123</body>"
    )
    fonts = embedded_fonts(monkeypatch, html, hinting=hinting)
    assert {font.weight for font, _, _ in fonts} == {400, 700}
    for font, to_unicode, font_hinting in fonts:
        pdf_fonts._weasyprint_subset(font, to_unicode, font_hinting)
        two_passes = font.file_content
        pdf_fonts.subset_in_one_pass(font, to_unicode, font_hinting)
        assert font.file_content == two_passes, (font.family, font.weight)
        assert len(font.file_content) < 2_000_000  # a subset, not the whole collection


@needs_cjk_font
@needs_poppler
@pytest.mark.django_db
def test_rare_name_characters_print(
    policy, clerk, reviewer, approver, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    from weasyprint.pdf.fonts import Font

    application = advance(
        ApplicationFactory(user=clerk), to="notice_delivery", capture=django_capture_on_commit_callbacks
    )
    notice = Notice.objects.get(application=application)
    notice.content["applicant_name"] = RARE_NAME
    fonts = []
    clean = Font.clean

    def keep(font, to_unicode, hinting):
        fonts.append(font)
        return clean(font, to_unicode, hinting)

    monkeypatch.setattr(Font, "clean", keep)
    path = tmp_path / "notice.pdf"
    path.write_bytes(rendering.render_pdf(notice))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"申请人：{RARE_NAME}" in text
    # Every character has its glyph in the CJK font: none was drawn as weasyprint's empty box.
    assert fonts and all(font.family == rendering.CJK_FONT_FAMILY and not font.missing for font in fonts)
