"""What waits on each desk besides the applications of the inbox, for the home page and the inbox:
the village clerk's failed payments; the county approver's hospital claims to review and months to
sign off; county finance's approved items not paid yet, failed payments to pay again and batches
waiting for the bank. Every count stops at COUNT_CAP rows (a LIMIT, on indexed columns), so a
desk costs a few small queries at a million applications."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.core.payment import PaymentStatus
from aidflow.payments.models import SENDABLE, BatchStatus
from aidflow.payments.selectors import batches_visible
from aidflow.payments.services.approval import may_approve
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import REPORT_PERMISSIONS, role_of, scope_codes, scope_q
from aidflow.reports.city_review import review_state
from aidflow.reports.ledger import months_to_submit
from aidflow.reports.models import MonthlyReport
from aidflow.reports.money_due import claim_review_due, payment_overdue_before
from aidflow.settlements.models import ClaimStatus, SettlementClaim
from aidflow.settlements.selectors import claims_visible

COUNT_CAP = 100  # counted exactly up to here, then shown as "100+"
ITEMS = 5  # listed on the desk; the rest behind the section's link
PAY = ["regions.pay_county"]


@dataclass
class DeskItem:
    label: str
    detail: str
    url: str


@dataclass
class DeskSection:
    key: str
    title: str
    hint: str
    count: int
    more: bool
    link: str
    link_text: str
    urgent: bool = False
    items: list[DeskItem] = field(default_factory=list)


def bounded_count(queryset: QuerySet) -> tuple[int, bool]:
    """(count up to COUNT_CAP, whether there are more): COUNT over a LIMITed subquery."""
    count = queryset.order_by().values("pk")[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


def _application_items(queryset: QuerySet[Application], anchor: str = "") -> list[DeskItem]:
    rows = queryset.select_related("village").order_by(F("decided_on").asc(nulls_last=True), "pk")[:ITEMS]
    return [
        DeskItem(
            label=application.number,
            detail=_("%(name)s, %(village)s, %(amount)s yuan")
            % {"name": application.masked_name, "village": application.village.name, "amount": application.amount},
            url=reverse("workbench:application", args=[application.pk]) + anchor,
        )
        for application in rows
    ]


def _claim_items(queryset: QuerySet[SettlementClaim], *, due: bool = False) -> list[DeskItem]:
    items = []
    for claim in queryset.select_related("hospital").order_by("submitted_at", "pk")[:ITEMS]:
        detail = _("%(hospital)s, %(month)s, %(count)d settlements, %(amount)s yuan") % {
            "hospital": claim.hospital.name,
            "month": claim.month,
            "count": claim.count,
            "amount": claim.approved_amount if claim.approved_amount is not None else claim.amount,
        }
        if due:
            day = claim_review_due(claim)
            detail += " · " + (_("overdue since %(day)s") if day < timezone.localdate() else _("due %(day)s")) % {
                "day": day.isoformat()
            }
        items.append(DeskItem(label=claim.number, detail=detail, url=reverse("workbench:claim", args=[claim.pk])))
    return items


def _batches_to_approve(user) -> list[DeskSection]:
    """Batches another person prepared that wait for this user's second signature."""
    if role_of(user) not in (Role.COUNTY_FINANCE, Role.COUNTY_APPROVER):
        return []
    waiting = [
        batch
        for batch in batches_visible(user).filter(status=BatchStatus.PREPARED).exclude(created_by=user)
        if may_approve(user, batch.county)
    ][: COUNT_CAP + 1]
    if not waiting:
        return []
    return [
        DeskSection(
            key="batches-to-approve",
            title=_("Batches waiting for your approval"),
            hint=_("Prepared by another person: check the lines and approve, so the bank file can be exported."),
            count=min(len(waiting), COUNT_CAP),
            more=len(waiting) > COUNT_CAP,
            link=reverse("workbench:batches"),
            link_text=_("Payment batches"),
            urgent=True,
            items=[
                DeskItem(
                    label=batch.number,
                    detail=_("%(count)d lines, %(total)s yuan") % {"count": batch.count, "total": batch.total},
                    url=reverse("workbench:batch", args=[batch.pk]),
                )
                for batch in waiting[:ITEMS]
            ],
        )
    ]


def _failed_applications(user, permission: str) -> QuerySet[Application]:
    return Application.objects.filter(
        scope_q(user, "village__code", [permission]), status=Status.APPROVED, payment_status=PaymentStatus.FAILED
    )


def _clerk_desk(user) -> list[DeskSection]:
    failed = _failed_applications(user, "regions.check_village")
    count, more = bounded_count(failed)
    if not count:
        return []  # nothing to fetch: no alarm on the clerk's page
    return [
        DeskSection(
            key="payments-failed",
            title=_("Payments that failed"),
            hint=_("The bank returned these payments. Check the account with the applicant and correct the payee."),
            count=count,
            more=more,
            link=reverse("workbench:applications") + "?payment=failed",
            link_text=_("All failed payments"),
            urgent=True,
            items=_application_items(failed, "#payment-failed"),
        )
    ]


def _approver_desk(user) -> list[DeskSection]:
    waiting = claims_visible(user).filter(status=ClaimStatus.SUBMITTED)
    count, more = bounded_count(waiting)
    oldest = waiting.order_by("submitted_at", "pk").first()
    months = months_to_submit(user)
    names = dict(Region.objects.filter(code__in={county for county, _month in months}).values_list("code", "name"))
    statistics = reverse("workbench:statistics")
    return [
        DeskSection(
            key="claims-to-review",
            title=_("Hospital claims waiting for your review"),
            hint=_("Monthly claims of the hospitals' one-stop settlements that your county pays."),
            count=count,
            more=more,
            link=reverse("workbench:claims"),
            link_text=_("All monthly claims"),
            urgent=oldest is not None and claim_review_due(oldest) < timezone.localdate(),
            items=_claim_items(waiting, due=True),
        ),
        DeskSection(
            key="months-to-sign-off",
            title=_("Months ready to sign off"),
            hint=_("Check the month's figures and submit them (审核并报送); a month is ready from its report day on."),
            count=len(months),
            more=False,
            link=statistics,
            link_text=_("Monthly statistics"),
            items=[
                DeskItem(
                    label=month,
                    detail=names.get(county, county),
                    url=f"{statistics}?region={county}&month={month}",
                )
                for county, month in months[:ITEMS]
            ],
        ),
    ]


def _finance_desk(user) -> list[DeskSection]:
    approved_claims = SettlementClaim.objects.filter(scope_q(user, "county", PAY), status=ClaimStatus.APPROVED)
    applications, applications_more = bounded_count(
        Application.objects.filter(
            scope_q(user, "village__code", PAY), status=Status.APPROVED, payment_status=PaymentStatus.UNPAID
        )
    )
    claims, claims_more = bounded_count(approved_claims.filter(payment_status=PaymentStatus.UNPAID))
    failed_applications = _failed_applications(user, "regions.pay_county")
    failed_claims = approved_claims.filter(payment_status=PaymentStatus.FAILED)
    failed, failed_more = bounded_count(failed_applications)
    failed_claim_count, failed_claims_more = bounded_count(failed_claims)
    open_batches = batches_visible(user).filter(status__in=SENDABLE)
    batches, batches_more = bounded_count(open_batches)
    payable = reverse("workbench:payable")
    late = _late_payments(user)
    hint = _("%(applications)s applications and %(claims)s hospital claims wait for a payment batch.") % {
        "applications": f"{applications}{'+' if applications_more else ''}",
        "claims": f"{claims}{'+' if claims_more else ''}",
    }
    if late:
        hint += " " + _("%(late)s of the applications are past the payment limit.") % {"late": late}
    return [
        DeskSection(
            key="not-paid",
            title=_("Approved, not paid yet"),
            hint=hint,
            count=applications + claims,
            more=applications_more or claims_more,
            link=payable,
            link_text=_("Payable: make a batch"),
            urgent=bool(late),
        ),
        *_batches_to_approve(user),
        DeskSection(
            key="payments-failed",
            title=_("Failed payments to pay again"),
            hint=_("The bank returned these lines; once the account is corrected they go into the next batch."),
            count=failed + failed_claim_count,
            more=failed_more or failed_claims_more,
            link=payable,
            link_text=_("Payable: pay them again"),
            urgent=True,
            items=_application_items(failed_applications, "#payment-failed") + _claim_items(failed_claims),
        ),
        DeskSection(
            key="batches-open",
            title=_("Batches waiting for the bank's results"),
            hint=_("Upload the bank's results file on the batch page."),
            count=batches,
            more=batches_more,
            link=reverse("workbench:batches"),
            link_text=_("Payment batches"),
            items=[
                DeskItem(
                    label=batch.number,
                    detail=_("%(count)d lines, %(total)s yuan") % {"count": batch.count, "total": batch.total},
                    url=reverse("workbench:batch", args=[batch.pk]),
                )
                for batch in open_batches.order_by("created_at", "pk")[:ITEMS]
            ],
        ),
    ]


def _late_payments(user) -> str:
    """How many approved applications of the user's counties are unpaid past the payment limit
    ("" for none; "100+" past the cap)."""
    late, more = 0, False
    for county in scope_codes(user, PAY):
        before = payment_overdue_before(county[:6])
        if before is None:
            continue
        count, over = bounded_count(
            Application.objects.filter(
                village__code__startswith=county,
                status=Status.APPROVED,
                payment_status=PaymentStatus.UNPAID,
                decided_on__lte=before,
            )
        )
        late, more = late + count, more or over
    return f"{late}{'+' if more else ''}" if late else ""


def _months_in(user, state: str) -> list[MonthlyReport]:
    """The signed-off months of the last year in the user's scope that stand in `state`."""
    since = f"{timezone.localdate() - datetime.timedelta(days=400):%Y-%m}"
    reports = MonthlyReport.objects.filter(scope_q(user, "region", REPORT_PERMISSIONS), month__gte=since).order_by(
        "month", "region"
    )
    return [report for report in reports.prefetch_related("reviews")[: COUNT_CAP + 1] if review_state(report) == state]


def _month_section(key: str, title: str, hint: str, months: list[MonthlyReport], *, urgent: bool) -> list[DeskSection]:
    if not months:
        return []
    names = dict(Region.objects.filter(code__in={report.region for report in months}).values_list("code", "name"))
    statistics = reverse("workbench:statistics")
    return [
        DeskSection(
            key=key,
            title=title,
            hint=hint,
            count=min(len(months), COUNT_CAP),
            more=len(months) > COUNT_CAP,
            link=reverse("workbench:city_months") if key == "months-to-accept" else statistics,
            link_text=_("The counties' months") if key == "months-to-accept" else _("Monthly statistics"),
            urgent=urgent,
            items=[
                DeskItem(
                    label=report.month,
                    detail=names.get(report.region, report.region),
                    url=f"{statistics}?region={report.region}&month={report.month}",
                )
                for report in months[:ITEMS]
            ],
        )
    ]


def _approver_extra(user) -> list[DeskSection]:
    returned = _month_section(
        "months-returned",
        _("Months the city returned"),
        _("Read the city's reasons, correct, and sign the month again."),
        _months_in(user, "returned"),
        urgent=True,
    )
    return _approver_desk(user) + returned + _batches_to_approve(user)


def _city_desk(user) -> list[DeskSection]:
    return _month_section(
        "months-to-accept",
        _("Counties' months waiting for your review"),
        _("Check the relations between each month's figures, then accept it or return it with reasons."),
        _months_in(user, "submitted"),
        urgent=False,
    )


DESKS = {
    Role.VILLAGE_CLERK: _clerk_desk,
    Role.COUNTY_APPROVER: _approver_extra,
    Role.COUNTY_FINANCE: _finance_desk,
    Role.CITY_REVIEWER: _city_desk,
}
# Sections other apps add to a role's desk (registered when they are ready): callables user -> sections.
DESK_SOURCES: dict[str, list[Callable]] = {}


def desk_source_register(role: str, source: Callable) -> None:
    if source not in DESK_SOURCES.setdefault(role, []):
        DESK_SOURCES[role].append(source)


def desk_sections(user) -> list[DeskSection]:
    """The sections of this user's desk, in the order they are shown (none for other roles)."""
    role = role_of(user)
    desk = DESKS.get(role)
    sections = desk(user) if desk is not None else []
    for source in DESK_SOURCES.get(role, []):
        sections += source(user)
    return sections
