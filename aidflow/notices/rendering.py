"""Rendering a notice to PDF (weasyprint, Noto CJK), once: stored with its SHA-256 and never again."""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import shutil
import subprocess
import threading

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.notices.models import Notice
from aidflow.notices.money import amount_words
from aidflow.notices.pdf_fonts import use_one_pass_subsetting
from aidflow.notices.pdf_streams import use_fast_deflate

CJK_FONT_FAMILY = "Noto Sans CJK SC"
QR_MASK = 0
# A kind with a wording of its own; every other kind is notices/notice.html.
TEMPLATES = {"revocation": "notices/revocation.html"}


class NoticeFontMissing(RuntimeError):
    """The CJK font is not installed: a notice would print empty boxes, so none is rendered."""


@functools.cache
def cjk_font_available() -> bool:
    """Asked of fontconfig once per process (a subprocess per render cost ~10 ms each)."""
    if shutil.which("fc-list") is None:
        return False
    listing = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False).stdout  # noqa: S607
    return CJK_FONT_FAMILY in listing


def verification_url(code: str) -> str:
    return f"{settings.AIDFLOW_PUBLIC_URL.rstrip('/')}/verify/{code}"


def _qr_data_uri(text: str) -> str:
    """The QR code as a greyscale PNG, 8 pixels a module: weasyprint embeds a bitmap almost for free, where
    the same modules as an SVG path cost about 8 ms of CPU a notice to parse and paint. One mask pattern
    is set rather than the best of eight chosen: any of them reads the same, and scoring all eight took
    about 3 of the code's 5 ms."""
    import qrcode

    code = qrcode.QRCode(box_size=8, border=1, mask_pattern=QR_MASK)
    code.add_data(text)
    code.make(fit=True)
    image = code.make_image().get_image().convert("L")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def notice_html(notice: Notice) -> str:
    with translation.override("zh-hans"):
        return _notice_html(notice)


def _content_of(notice: Notice) -> dict:
    """The content frozen at issue; a notice issued before the amount was put in words (and not yet
    rendered) takes its words from its case's calculation, which the decision fixed."""
    if "amount_words" in notice.content or notice.application_id is None:
        return notice.content
    return {**notice.content, "amount_words": amount_words(notice.application)}


def _notice_html(notice: Notice) -> str:
    return render_to_string(
        TEMPLATES.get(notice.kind, "notices/notice.html"),
        {
            "notice": notice,
            "content": _content_of(notice),
            "authority": notice.authority,
            "verify_url": verification_url(notice.verification_code),
            "qr": _qr_data_uri(verification_url(notice.verification_code)),
        },
    )


@functools.cache
def _stylesheet():
    """The notice's CSS, parsed once per process: it is the same for every notice."""
    from weasyprint import CSS

    return CSS(string=render_to_string("notices/notice.css", {"font_family": CJK_FONT_FAMILY}))


_thread_fonts = threading.local()


def _font_config():
    """One fontconfig/Pango font map per thread, kept between notices: a new one per document loads
    fontconfig's configuration and reopens the CJK font each time (about 15 ms of CPU, more waiting).
    Per thread, as Pango's font maps are not meant to be shared between threads."""
    if not hasattr(_thread_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _thread_fonts.config = FontConfiguration()
    return _thread_fonts.config


def html_to_pdf(html: str, *, stylesheets=()) -> bytes:
    """Any printed document's HTML to PDF with the CJK font: refused without the font, fonts subset
    in one pass, the thread's font map reused."""
    if not cjk_font_available():
        raise NoticeFontMissing(
            f"The font '{CJK_FONT_FAMILY}' is not installed, so a printed document would show empty boxes. "
            "Install the Debian package fonts-noto-cjk (scripts/run.sh does this when run as root)."
        )
    from weasyprint import HTML

    use_one_pass_subsetting()
    use_fast_deflate()
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=list(stylesheets), font_config=_font_config()
    )


def render_pdf(notice: Notice) -> bytes:
    return html_to_pdf(notice_html(notice), stylesheets=[_stylesheet()])


def notice_render(notice_id: int) -> Notice:
    """Render and store the PDF once; later calls return the stored notice unchanged."""
    with transaction.atomic():
        notice = Notice.objects.select_for_update().get(pk=notice_id)
        if notice.sha256:
            return notice
        data = render_pdf(notice)
        notice.sha256 = hashlib.sha256(data).hexdigest()
        notice.rendered_at = timezone.now()
        notice.pdf.save(f"{notice.verification_code}.pdf", ContentFile(data), save=False)
        notice.save(update_fields=["pdf", "sha256", "rendered_at"])
        audit_record(
            actor=None,
            actor_name="notices",
            action=AuditAction.NOTICE_ISSUED,
            application=notice.application,
            region=notice.content.get("region", "") if notice.application_id is None else "",
            stage=notice.stage,
            details={"notice": notice.pk, "kind": notice.kind, "number": notice.number, "sha256": notice.sha256},
        )
    return notice
