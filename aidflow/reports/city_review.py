"""The city accepts each county's month (INTERFACES section 14; seed 000 line ~41: the city's
health and family-planning commission reviews before it reports up, "重点审核相关数据间的逻辑关系").

After a county signs its month off, the city's reviewer accepts it or returns it with reasons. A
returned month is signed again by the county (`month_submit` takes it: the figures are computed
anew and frozen with the new signer) while the earlier signature stays on the review that returned
it. The city's month is the sum of the accepted counties' frozen figures, with the counties
missing named."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, NotFound
from aidflow.core.fields import FieldReader
from aidflow.regions.codes import level_of, normalise_code
from aidflow.regions.models import Level, Region, Role
from aidflow.regions.scope import REPORT_PERMISSIONS, in_scope, role_of
from aidflow.reports.models import MonthlyReport, MonthReview, MonthReviewDecision

REVIEW_PERMISSION = ["regions.review_city"]
SUMMED = ("persons", "person_times")
MONEY = ("total_cost", "eligible_cost", "aid")


def latest_review(report: MonthlyReport) -> MonthReview | None:
    return report.reviews.order_by("-reviewed_at", "-pk").first()


def review_state(report: MonthlyReport | None) -> str:
    """not_submitted, submitted (waiting for the city), accepted, or returned (the county signs again)."""
    if report is None:
        return "not_submitted"
    review = latest_review(report)
    if review is None or review.sha256 != report.sha256:
        return "submitted"
    return "accepted" if review.decision == MonthReviewDecision.ACCEPT else "returned"


def _read(data: object) -> tuple[str, str, str, str]:
    reader = FieldReader()
    data = data if isinstance(data, dict) else {}
    region = reader.text(data, "region", "region", max_length=12)
    month = reader.text(data, "month", "month", max_length=7)
    decision = reader.choice(data, "decision", "decision", MonthReviewDecision.values)
    reasons = reader.text(data, "reasons", "reasons", required=False, max_length=2000) or ""
    if region is not None:
        try:
            region = normalise_code(region)
        except ValidationError:
            reader.error("region", _("%(code)s is not a region code.") % {"code": region})
        else:
            if level_of(region) != Level.COUNTY:
                reader.error("region", _("A month is reviewed for a county."))
    if month is not None and (len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit()):
        reader.error("month", _("A month is written YYYY-MM."))
    if decision == MonthReviewDecision.RETURN and not reasons.strip():
        reader.error("reasons", _("Say why the month is returned."))
    reader.raise_if_any()
    return region, month, decision, reasons.strip()


def month_review(*, user, data: object) -> MonthReview:
    """The city reviewer accepts or returns a county's signed-off month of the city."""
    if role_of(user) != Role.CITY_REVIEWER:
        raise ActionForbidden(_("The city's reviewer accepts or returns a county's month."))
    region, month, decision, reasons = _read(data)
    if not in_scope(user, region, REVIEW_PERMISSION):
        raise NotFound(_("No such region in your scope."))
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().filter(region=region, month=month).first()
        if report is None:
            raise Conflict({"month": [_("The county has not signed this month off yet.")]})
        state = review_state(report)
        if state != "submitted":
            message = _("This signature of the month was already reviewed: it is %(state)s.")
            raise Conflict({"month": [message % {"state": state_names()[state]}]})
        review = MonthReview.objects.create(
            report=report,
            decision=decision,
            reasons=reasons,
            reviewed_by=user,
            reviewed_at=timezone.now(),
            sha256=report.sha256,
            signed_by=report.signed_by,
            signed_at=report.signed_at,
        )
        audit_record(
            actor=user,
            action=AuditAction.MONTH_ACCEPTED if decision == MonthReviewDecision.ACCEPT else AuditAction.MONTH_RETURNED,
            region=region,
            details={"month": month, "sha256": report.sha256, "reasons": reasons},
        )
    return review


def state_names() -> dict[str, str]:
    """The states' names, in the language of the moment."""
    return {
        "not_submitted": _("not signed off"),
        "submitted": _("waiting for the city"),
        "accepted": _("accepted"),
        "returned": _("returned to the county"),
    }


def city_month(*, user, city: str, month: str) -> dict:
    """Each county of the city with its month's state, and the sum of the accepted ones."""
    if not in_scope(user, city, REPORT_PERMISSIONS):
        raise NotFound(_("No such region in your scope."))
    counties = list(Region.objects.filter(parent_id=city, level=Level.COUNTY).order_by("code"))
    found = MonthlyReport.objects.filter(region__in=[county.code for county in counties], month=month)
    reports = {report.region: report for report in found}
    rows, totals = [], {**dict.fromkeys(SUMMED, 0), **dict.fromkeys(MONEY, Decimal("0.00"))}
    for county in counties:
        report = reports.get(county.code)
        state = review_state(report)
        review = latest_review(report) if report is not None else None
        names = state_names()
        row = {"county": county, "state": state, "state_name": names[state], "report": report, "review": review}
        if state == "accepted":
            figures = report.figures["totals"]
            for name in SUMMED:
                totals[name] += int(figures.get(name) or 0)
            for name in MONEY:
                totals[name] += Decimal(figures.get(name) or "0")
        rows.append(row)
    return {
        "counties": rows,
        "accepted": [row["county"].code for row in rows if row["state"] == "accepted"],
        "missing": [row["county"].code for row in rows if row["state"] != "accepted"],
        "totals": {**{name: totals[name] for name in SUMMED}, **{name: f"{totals[name]:.2f}" for name in MONEY}},
    }


def month_returned(report: MonthlyReport) -> bool:
    return review_state(report) == "returned"
