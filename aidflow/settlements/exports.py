"""The settlement list and the claims list as XLSX, with the screen's filters and scope (a hospital
clerk its hospital's, staff and auditors what their county pays); every export is audited."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.identity import mask_resident_id
from aidflow.core.sheets import EXPORT_MAX_ROWS, Column, ListWorkbook, export_notes, user_label
from aidflow.policy.requests import CATEGORY_NAMES
from aidflow.regions.models import Level, Region
from aidflow.settlements.models import ClaimStatus, SettlementStatus
from aidflow.settlements.selectors import (
    claims_visible,
    reduction_ledger,
    reduction_totals,
    settlements_filter,
    settlements_visible,
)


def _record(user, *, list_name: str, filters: dict, count: int, capped: bool) -> None:
    audit_record(
        actor=user,
        action=AuditAction.LIST_EXPORTED,
        details={
            "list": list_name,
            "filters": filters,
            "rows": count,
            "capped": capped,
            "limit": EXPORT_MAX_ROWS,
            "at": timezone.now().isoformat(),
        },
    )


def settlements_export(*, user, month: str = "", status: str = "", q: str = "") -> bytes:
    """The settlements the user sees under the list's filters (month already checked), as on screen."""
    queryset = settlements_filter(settlements_visible(user), month=month, status=status, q=q)
    with translation.override("zh-hans"):
        book = ListWorkbook()
        columns = [
            Column(_("Number"), 26),
            Column(_("Patient"), 10),
            Column(_("Category"), 14),
            Column(_("Hospital"), 24),
            Column(_("Admission date"), 12, "date"),
            Column(_("Discharge date"), 12, "date"),
            Column(_("Aid amount"), 14, "money"),
            Column(_("Patient pays"), 14, "money"),
            Column(_("Status"), 10),
            Column(_("Claim"), 26),
        ]
        rows = (
            [
                settlement.number,
                settlement.name,
                str(CATEGORY_NAMES.get(settlement.category, settlement.category)),
                settlement.hospital.name,
                settlement.admission_date,
                settlement.discharge_date,
                settlement.amount,
                settlement.patient_pays,
                settlement.get_status_display(),
                settlement.claim.number if settlement.claim_id else "",
            ]
            for settlement in queryset.iterator(chunk_size=2000)
        )
        title = _("One-stop settlements")
        count, capped = book.sheet(title, columns, rows)
        filters = []
        if month:
            filters.append((_("Discharge month"), month))
        if status:
            filters.append((_("Status"), str(SettlementStatus(status).label)))
        if q:
            filters.append((_("Name or number"), q))
        export_notes(book, title=title, filters=filters, exported_by=user_label(user), count=count, capped=capped)
        content = book.content()
    chosen = {key: value for key, value in {"month": month, "status": status, "q": q}.items() if value}
    _record(user, list_name="settlements", filters=chosen, count=count, capped=capped)
    return content


def claims_export(*, user) -> bytes:
    """The monthly claims the user sees, newest first, as on screen, with the paying county's name."""
    counties = dict(Region.objects.filter(level=Level.COUNTY).values_list("code", "name"))
    with translation.override("zh-hans"):
        book = ListWorkbook()
        columns = [
            Column(_("Number"), 28),
            Column(_("Hospital"), 24),
            Column(_("Paying county"), 14),
            Column(_("Month"), 10),
            Column(_("Settlements"), 10, "number"),
            Column(_("Amount claimed"), 14, "money"),
            Column(_("Amount approved"), 14, "money"),
            Column(_("Status"), 10),
            Column(_("Payment"), 12),
        ]
        rows = (
            [
                claim.number,
                claim.hospital.name,
                counties.get(claim.county, claim.county),
                claim.month,
                claim.count,
                claim.amount,
                claim.approved_amount,
                claim.get_status_display(),
                claim.get_payment_status_display() if claim.status == ClaimStatus.APPROVED else "",
            ]
            for claim in claims_visible(user).iterator(chunk_size=2000)
        )
        title = _("Monthly claims")
        count, capped = book.sheet(title, columns, rows)
        export_notes(book, title=title, filters=[], exported_by=user_label(user), count=count, capped=capped)
        content = book.content()
    _record(user, list_name="claims", filters={}, count=count, capped=capped)
    return content


def reduction_ledger_export(*, user, hospital, month: str) -> bytes:
    """The hospital's reduction ledger (便民惠民台账) of a month as on screen (ID numbers masked),
    with a totals row; recorded like every list export."""
    settlements = reduction_ledger(hospital, month)
    totals = reduction_totals(settlements)
    with translation.override("zh-hans"):
        book = ListWorkbook()
        columns = [
            Column(_("Number"), 26),
            Column(_("Patient"), 10),
            Column(_("ID number"), 22),
            Column(_("Category"), 14),
            Column(_("Admission date"), 12, "date"),
            Column(_("Discharge date"), 12, "date"),
            Column(_("Total cost"), 14, "money"),
            Column(_("Hospital reduction"), 14, "money"),
            Column(_("Emergency medical assistance fund"), 16, "money"),
        ]
        rows = (
            [
                settlement.number,
                settlement.name,
                mask_resident_id(settlement.id_number),
                str(CATEGORY_NAMES.get(settlement.category, settlement.category)),
                settlement.admission_date,
                settlement.discharge_date,
                settlement.total_cost,
                settlement.hospital_reduction,
                settlement.emergency_fund,
            ]
            for settlement in settlements.iterator(chunk_size=2000)
        )
        footer = [_("Sum"), "", "", "", None, None, totals["total_cost"], totals["hospital_reduction"]]
        footer.append(totals["emergency_fund"])
        title = _("Reduction ledger")
        count, capped = book.sheet(title, columns, rows, footer=footer)
        filters = [(_("Hospital"), f"{hospital.name}（{hospital.code}）"), (_("Discharge month"), month)]
        export_notes(book, title=title, filters=filters, exported_by=user_label(user), count=count, capped=capped)
        content = book.content()
    chosen = {"hospital": hospital.code, "month": month}
    _record(user, list_name="reduction_ledger", filters=chosen, count=count, capped=capped)
    return content
