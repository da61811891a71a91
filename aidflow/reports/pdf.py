"""The month as a printable PDF (weasyprint, Noto CJK) with its signer when submitted."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from aidflow.notices.rendering import CJK_FONT_FAMILY, NoticeFontMissing, cjk_font_available
from aidflow.regions.models import Region
from aidflow.reports.groups import check_lines, named_tables


def monthly_pdf(figures: dict, report=None) -> bytes:
    if not cjk_font_available():
        raise NoticeFontMissing(f"The font '{CJK_FONT_FAMILY}' is not installed; install fonts-noto-cjk.")
    from weasyprint import HTML

    region = Region.objects.filter(code=figures["region"]).first()
    with translation.override("zh-hans"):
        tables = [(title, rows) for title, _name, rows in named_tables(figures)]
        checks = check_lines(figures)
        html = render_to_string(
            "reports/monthly_pdf.html",
            {
                "figures": figures,
                "region_name": region.full_name if region else figures["region"],
                "tables": tables,
                "checks": checks,
                "report": report,
                "font_family": CJK_FONT_FAMILY,
            },
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
