"""The verifications on people's desks (INTERFACES section 15, item 6): the township reviewer's
patients to ask, with their due dates; the county approver's findings not yet acted on."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.core.identity import mask_name
from aidflow.reports.desks import COUNT_CAP, ITEMS, DeskItem, DeskSection, bounded_count
from aidflow.settlements.models import SettlementStatus
from aidflow.verifications.models import VerificationStatus
from aidflow.verifications.selectors import verifications_visible


def _items(queryset) -> list[DeskItem]:
    today = timezone.localdate()
    items = []
    for item in queryset.order_by("due_date", "pk")[:ITEMS]:
        settlement = item.settlement
        when = _("overdue since %(day)s") if item.due_date < today else _("due %(day)s")
        detail = _("%(name)s, %(hospital)s") % {
            "name": mask_name(settlement.name),
            "hospital": settlement.hospital.name,
        }
        items.append(
            DeskItem(
                label=settlement.number,
                detail=f"{detail} · {when % {'day': item.due_date.isoformat()}}",
                url=reverse("workbench:verification", args=[item.pk]),
            )
        )
    return items


def township_verifications(user) -> list[DeskSection]:
    open_ones = verifications_visible(user).filter(status=VerificationStatus.OPEN)
    count, more = bounded_count(open_ones)
    if not count:
        return []
    overdue = open_ones.filter(due_date__lt=timezone.localdate()).exists()
    return [
        DeskSection(
            key="verifications-open",
            title=_("Patients to ask"),
            hint=_("Visit or call each patient: did the stay happen, what did they pay the hospital."),
            count=count,
            more=more,
            link=reverse("workbench:verifications") + "?status=open",
            link_text=_("Patients asked"),
            urgent=overdue,
            items=_items(open_ones),
        )
    ]


def county_findings(user) -> list[DeskSection]:
    """Findings whose settlement is still paid in full: neither refused, part-refused nor revoked."""
    findings = (
        verifications_visible(user)
        .filter(finding=True, settlement__part_refused_cost__isnull=True, settlement__revocation__isnull=True)
        .exclude(settlement__status=SettlementStatus.REFUSED)
    )
    count, more = bounded_count(findings)
    if not count:
        return []
    return [
        DeskSection(
            key="verification-findings",
            title=_("Patients' answers that contradict the slip"),
            hint=_("Refuse the settlement in its claim's review, or revoke it once paid and recover the money."),
            count=min(count, COUNT_CAP),
            more=more,
            link=reverse("workbench:verifications") + "?status=answered",
            link_text=_("Patients asked"),
            urgent=True,
            items=_items(findings),
        )
    ]
