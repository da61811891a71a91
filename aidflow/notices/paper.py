"""Forms an office prints and files on paper (纸质档案存档备查): rendered on request from the case,
with the notices' CJK font set-up, never stored. Opening one from a case is a recorded read of it."""

from __future__ import annotations

import functools

from django.template.loader import render_to_string
from django.utils import translation

from aidflow.audit.services import audit_read
from aidflow.notices.rendering import CJK_FONT_FAMILY, html_to_pdf


@functools.cache
def paper_stylesheet():
    """The paper forms' CSS, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=render_to_string("notices/paper.css", {"font_family": CJK_FONT_FAMILY}))


def paper_html(template: str, build_context, *args) -> str:
    """The form in Chinese whatever the reader's language: its context is built under it too, as it
    writes labels into sentences."""
    with translation.override("zh-hans"):
        return render_to_string(template, build_context(*args))


def paper_pdf(template: str, build_context, *args) -> bytes:
    return html_to_pdf(paper_html(template, build_context, *args), stylesheets=[paper_stylesheet()])


def paper_read(*, user, application, action: str) -> None:
    """Printing a case's form reads its file: recorded like opening the case page."""
    audit_read(actor=user, action=action, application=application)
