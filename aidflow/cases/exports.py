"""The application list and the inbox as XLSX, with the screen's filters, order, scope and masking;
every export is recorded in the audit log with its filters and row count."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.choices import Status
from aidflow.cases.models import Application
from aidflow.cases.selectors import ListFilters, applications_filter, applications_visible, inbox
from aidflow.core.sheets import EXPORT_MAX_ROWS, Column, ListWorkbook, export_notes, user_label
from aidflow.regions.stages import Stage

LISTS = {"applications": applications_visible, "inbox": inbox}


def _columns() -> list[Column]:
    return [
        Column(_("Number"), 20),
        Column(_("Applicant"), 10),
        Column(_("ID number"), 22),
        Column(_("Village"), 16),
        Column(_("Category"), 14),
        Column(_("Aid type"), 18),
        Column(_("Stage"), 12),
        Column(_("Status"), 10),
        Column(_("Payment"), 12),
        Column(_("Received"), 17, "datetime"),
        Column(_("Due"), 12, "date"),
        Column(_("Days overdue"), 10, "number"),
        Column(_("Approved amount"), 14, "money"),
    ]


def _row(application: Application) -> list:
    approved = application.status == Status.APPROVED
    return [
        application.number,
        application.masked_name,
        application.masked_id_number,
        application.village.name,
        application.category_name,
        application.get_aid_type_display(),
        application.get_stage_display(),
        application.get_status_display(),
        application.get_payment_status_display() if approved else "",
        application.stage_received_at,
        application.stage_due_date if application.stage != Stage.CLOSED else None,
        application.days_overdue or None,
        application.amount if approved else None,
    ]


def filters_described(filters: ListFilters) -> list[tuple[str, str]]:
    """The list's filters in words, for the notes sheet."""
    described = []
    if filters.q:
        described.append((_("Number or name"), filters.q))
    if filters.stage:
        described.append((_("Stage"), str(Stage(filters.stage).label)))
    if filters.status:
        described.append((_("Status"), str(Status(filters.status).label)))
    if filters.payment:
        labels = {"unpaid": _("Not paid yet"), "paid": _("Paid out"), "failed": _("Payment failed")}
        described.append((_("Payment"), labels[filters.payment]))
    if filters.overdue:
        described.append((_("Overdue only"), _("yes")))
    return described


def applications_export(*, user, list_name: str, filters: ListFilters) -> tuple[bytes, int]:
    """The user's application list (`applications`) or inbox (`inbox`) under the filters, in the
    screen's order, as a workbook in Chinese; (content, rows). Recorded in the audit log."""
    queryset: QuerySet[Application] = applications_filter(LISTS[list_name](user), filters).select_related(
        "village", "policy"
    )
    with translation.override("zh-hans"):
        title = _("Applications") if list_name == "applications" else _("My tasks")
        book = ListWorkbook()
        count, capped = book.sheet(title, _columns(), (_row(item) for item in queryset.iterator(chunk_size=2000)))
        export_notes(
            book,
            title=title,
            filters=filters_described(filters),
            exported_by=user_label(user),
            count=count,
            capped=capped,
        )
        content = book.content()
    audit_record(
        actor=user,
        action=AuditAction.LIST_EXPORTED,
        details={
            "list": list_name,
            "filters": {key: value for key, value in vars(filters).items() if value},
            "rows": count,
            "capped": capped,
            "limit": EXPORT_MAX_ROWS,
            "at": timezone.now().isoformat(),
        },
    )
    return content, count
