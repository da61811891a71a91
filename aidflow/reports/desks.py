"""What waits on each desk besides the applications of the inbox, for the home page and the inbox:
the village clerk's failed payments; the county approver's hospital claims to review and months to
sign off; county finance's approved items not paid yet, failed payments to pay again and batches
waiting for the bank. Every count stops at COUNT_CAP rows (a LIMIT, on indexed columns), so a
desk costs a few small queries at a million applications."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.core.payment import PaymentStatus
from aidflow.payments.models import SENDABLE
from aidflow.payments.selectors import batches_visible
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of, scope_q
from aidflow.reports.ledger import months_to_submit
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


def _claim_items(queryset: QuerySet[SettlementClaim]) -> list[DeskItem]:
    return [
        DeskItem(
            label=claim.number,
            detail=_("%(hospital)s, %(month)s, %(count)d settlements, %(amount)s yuan")
            % {
                "hospital": claim.hospital.name,
                "month": claim.month,
                "count": claim.count,
                "amount": claim.approved_amount if claim.approved_amount is not None else claim.amount,
            },
            url=reverse("workbench:claim", args=[claim.pk]),
        )
        for claim in queryset.select_related("hospital").order_by("submitted_at", "pk")[:ITEMS]
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
            items=_claim_items(waiting),
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
    return [
        DeskSection(
            key="not-paid",
            title=_("Approved, not paid yet"),
            hint=_("%(applications)s applications and %(claims)s hospital claims wait for a payment batch.")
            % {
                "applications": f"{applications}{'+' if applications_more else ''}",
                "claims": f"{claims}{'+' if claims_more else ''}",
            },
            count=applications + claims,
            more=applications_more or claims_more,
            link=payable,
            link_text=_("Payable: make a batch"),
        ),
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


DESKS = {Role.VILLAGE_CLERK: _clerk_desk, Role.COUNTY_APPROVER: _approver_desk, Role.COUNTY_FINANCE: _finance_desk}


def desk_sections(user) -> list[DeskSection]:
    """The sections of this user's desk, in the order they are shown (none for other roles)."""
    desk = DESKS.get(role_of(user))
    return desk(user) if desk is not None else []
