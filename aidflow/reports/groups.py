"""The statistics' groups named for people (aidflow.core.labels): a township or county by its name,
a category, aid type, route or hospital level by its label, a disease chapter by its ICD-10 range and
name. The figures keep their codes (INTERFACES section 10); the screen, PDF and workbook show these."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aidflow.core.labels import label, region_names
from aidflow.reports.statistics import BREAKDOWN_TITLES, UNKNOWN

REGION_BREAKDOWNS = ("by_township", "by_county")
KINDS = {
    "by_category": "category",
    "by_aid_type": "aid_type",
    "by_route": "route",
    "by_hospital_level": "hospital_level",
    "by_disease_chapter": "chapter",
}


def group_name(breakdown: str, code: str, block: dict | None = None, names: dict | None = None) -> str:
    if code == UNKNOWN:
        return _("Not recorded")
    if breakdown in REGION_BREAKDOWNS:
        # A region not in the table keeps its code: a number people use as well.
        return (block or {}).get("name") or (names or {}).get(code) or region_names([code]).get(code, code)
    return label(KINDS[breakdown], code)


def named_tables(figures: dict) -> list[tuple[str, str, list[tuple[str, str, dict]]]]:
    """(title, breakdown, [(region code or "", name, block)]) for each breakdown the figures hold."""
    codes = [code for name in REGION_BREAKDOWNS for code in figures.get(name, {})]
    names = region_names(codes)
    tables = []
    for breakdown, title in BREAKDOWN_TITLES.items():
        if breakdown not in figures:
            continue
        rows = [
            (
                code if breakdown in REGION_BREAKDOWNS and code != UNKNOWN else "",
                group_name(breakdown, code, block, names),
                block,
            )
            for code, block in sorted(figures[breakdown].items())
        ]
        tables.append((title, breakdown, rows))
    return tables


def check_lines(figures: dict) -> list[dict]:
    """The figures' logic checks with their names: {"label", "message", "ok", "code"}."""
    return [{**check, "label": label("check", check["code"])} for check in figures.get("checks", [])]
