"""The monthly ledger: who may read which region's figures, the month read from a request, the
sign-off that freezes a county's month, and the difference between frozen and live figures."""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.models import AidLedgerMonth
from aidflow.core.dates import month_value
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.labels import label
from aidflow.regions.codes import level_of, normalise_code
from aidflow.regions.models import Level, Role
from aidflow.regions.scope import REPORT_PERMISSIONS, in_scope, role_of, scope_codes
from aidflow.reports.city_review import month_returned
from aidflow.reports.disclosure import ledger_disclosure_rows
from aidflow.reports.models import MonthlyReport
from aidflow.reports.statistics import monthly_figures

READERS = (Role.COUNTY_APPROVER, Role.COUNTY_FINANCE, Role.AUDITOR, Role.CITY_REVIEWER)


def ledger_params(*, user, region: object, month: object, today: datetime.date | None = None) -> tuple[str, int, int]:
    """(region, year, month) of a request, checked: a county or city in the reader's scope, a month
    that has begun."""
    if role_of(user) not in READERS:
        raise ActionForbidden(_("Monthly statistics are for county approvers, county finance and auditors."))
    errors = {}
    code = None
    try:
        code = normalise_code(str(region or ""))
        if level_of(code) not in (Level.COUNTY, Level.CITY):
            errors["region"] = [_("Statistics are kept for a county or a city.")]
    except ValidationError as error:
        errors["region"] = error.messages
    year = number = None
    parsed = month_value(str(month or ""))
    if parsed is None:
        errors["month"] = [_("A month is written YYYY-MM, e.g. 2026-03.")]
    else:
        year, number = parsed
        today = today or timezone.localdate()
        if (year, number) > (today.year, today.month):
            errors["month"] = [_("That month has not begun.")]
    if errors:
        raise InputErrors(errors)
    if not in_scope(user, code, REPORT_PERMISSIONS):
        raise NotFound(_("No such region in your scope."))
    return code, year, number


def figures_hash(figures: dict) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def month_submitted(region: str, year: int, month: int) -> MonthlyReport | None:
    return MonthlyReport.objects.filter(region=region, month=f"{year:04d}-{month:02d}").first()


def month_submit(*, user, data: object) -> MonthlyReport:
    """The county approver signs the county's month off: the figures are frozen with signer, time
    and SHA-256; Conflict when the month was already submitted."""
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    region, year, month = ledger_params(user=user, region=data.get("region"), month=data.get("month"))
    if role_of(user) != Role.COUNTY_APPROVER or not in_scope(user, region, ["regions.approve_county"]):
        raise ActionForbidden(_("The county approver submits the county's month."))
    if level_of(region) != Level.COUNTY:
        raise InputErrors({"region": [_("A month is submitted for a county.")]})
    opens = month_sign_off_day(year, month)
    if timezone.localdate() < opens:
        raise Conflict(
            {
                "month": [
                    _("A month is signed off from day %(day)d of it on, when its cases are in: from %(date)s.")
                    % {"day": opens.day, "date": opens.isoformat()}
                ]
            }
        )
    figures = monthly_figures(region=region, year=year, month=month)
    returned = month_submitted(region, year, month)
    if returned is not None and month_returned(returned):
        return _month_sign_again(user=user, report=returned, figures=figures, year=year, month=month)
    try:
        with transaction.atomic():
            report = MonthlyReport.objects.create(
                region=region,
                month=f"{year:04d}-{month:02d}",
                figures=figures,
                sha256=figures_hash(figures),
                signed_by=user,
                signed_at=timezone.now(),
                disclosure=ledger_disclosure_rows(county=region, year=year, month=month),
            )
            audit_record(
                actor=user,
                action=AuditAction.MONTH_SUBMITTED,
                region=region,
                details={"month": report.month, "sha256": report.sha256, "aid": figures["totals"]["aid"]},
            )
    except IntegrityError:
        raise Conflict({"month": [_("This month was already submitted.")]}) from None
    return report


def _month_sign_again(*, user, report: MonthlyReport, figures: dict, year: int, month: int) -> MonthlyReport:
    """A month the city returned, signed again: the figures as they stand now, frozen with the new
    signer; the earlier signature stays on the review that returned it."""
    with transaction.atomic():
        report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if not month_returned(report):
            raise Conflict({"month": [_("This month was already submitted.")]})
        earlier = report.sha256
        report.figures, report.sha256 = figures, figures_hash(figures)
        report.signed_by, report.signed_at = user, timezone.now()
        report.disclosure = ledger_disclosure_rows(county=report.region, year=year, month=month)
        report.save(update_fields=["figures", "sha256", "signed_by", "signed_at", "disclosure"])
        audit_record(
            actor=user,
            action=AuditAction.MONTH_RESUBMITTED,
            region=report.region,
            details={
                "month": report.month,
                "sha256": report.sha256,
                "earlier": earlier,
                "aid": figures["totals"]["aid"],
            },
        )
    return report


def month_sign_off_day(year: int, month: int) -> datetime.date:
    """The first day a month may be signed off: its MONTHLY_REPORT_DAY (seed 000 line ~41), or its
    last day in a month shorter than that."""
    day = min(settings.MONTHLY_REPORT_DAY, month_end_day(year, month))
    return datetime.date(year, month, day)


def month_end_day(year: int, month: int) -> int:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return (following - datetime.timedelta(days=1)).day


def late_corrections(report: MonthlyReport, live: dict) -> list[str]:
    """What changed since the month was frozen (a late correction), named by figure; empty when none."""
    frozen = report.figures
    changes = []
    for name in ("persons", "person_times", "total_cost", "eligible_cost", "aid"):
        if frozen["totals"].get(name) != live["totals"].get(name):
            changes.append(f"{label('figure', name)}: {frozen['totals'].get(name)} → {live['totals'].get(name)}")
    if not changes and figures_hash(frozen) != figures_hash(live):
        changes.append(_("a breakdown differs"))
    return changes


# How many months back the home page looks for a month left unsigned.
SIGN_OFF_LOOKBACK = 12


def months_to_submit(user, *, today: datetime.date | None = None) -> list[tuple[str, str]]:
    """(county, YYYY-MM) of the approver's months ready to sign off, oldest first: a month of the last
    12 with aid in the ledger and not submitted yet; the current month only from its report day
    (MONTHLY_REPORT_DAY, the 28th) on. Two indexed reads per county."""
    if role_of(user) != Role.COUNTY_APPROVER:
        return []
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = []
    for back in range(SIGN_OFF_LOOKBACK + 1):
        year, month = divmod(first.year * 12 + first.month - 1 - back, 12)
        months.append(f"{year:04d}-{month + 1:02d}")
    if today < month_sign_off_day(first.year, first.month):
        months = months[1:]
    else:
        months = months[:-1]
    found = []
    for county in scope_codes(user, ["regions.approve_county"]):
        if level_of(county) != Level.COUNTY:
            continue
        with_aid = set(
            # The range beside the prefix lets the (month, region, category) index find the county's
            # villages of each month directly, whatever the database's collation.
            AidLedgerMonth.objects.filter(
                month__in=months,
                region__range=(county, county + "9" * (12 - len(county))),
                region__startswith=county,
                rows__gt=0,
            )
            .values_list("month", flat=True)
            .distinct()
        )
        submitted = set(MonthlyReport.objects.filter(region=county, month__in=months).values_list("month", flat=True))
        found += [(county, month) for month in sorted(with_aid - submitted)]
    return found
