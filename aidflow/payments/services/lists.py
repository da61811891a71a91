"""The finance lists as XLSX: what is payable now (accounts masked as on the screen, what is left
out and why) and a month's payments (the sums and every line). Each export is audited."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.payment import PaymentStatus, mask_account
from aidflow.core.sheets import EXPORT_MAX_ROWS, Column, ListWorkbook, export_notes, user_label
from aidflow.payments.models import LineKind, LineStatus
from aidflow.payments.selectors import month_payments
from aidflow.payments.services.batching import payable_preview
from aidflow.regions.models import Region

ZERO = Decimal("0.00")


def _kind(kind: str) -> str:
    if kind == LineKind.PREMIUM:
        return _("Premium subsidies")
    return _("Hospital claim") if kind == LineKind.CLAIM else _("Application")


def _record(user, *, list_name: str, filters: dict, count: int, capped: bool, region: str = "") -> None:
    audit_record(
        actor=user,
        action=AuditAction.LIST_EXPORTED,
        region=region,
        details={
            "list": list_name,
            "filters": filters,
            "rows": count,
            "capped": capped,
            "limit": EXPORT_MAX_ROWS,
            "at": timezone.now().isoformat(),
        },
    )


def payable_export(*, user, county: str) -> bytes:
    """The payable screen as a workbook: one row per line a batch made now would hold, a total row,
    and the items left out with the reason. Only the county's finance officer (as the screen)."""
    lines, skipped = payable_preview(user=user, county=county)
    region = Region.objects.filter(code=county).first()
    with translation.override("zh-hans"):
        book = ListWorkbook()
        columns = [
            Column(_("Type of item"), 14),
            Column(_("Number"), 22),
            Column(_("Payee"), 24),
            Column(_("Bank"), 26),
            Column(_("Account"), 24),
            Column(_("Amount"), 14, "money"),
            Column(_("Note"), 14),
        ]
        rows = (
            [
                _kind(line["kind"]),
                line["ref"],
                line["payee"],
                line["bank"],
                mask_account(line["account"]),
                line["amount"],
                _("Payment failed") if line["item"].payment_status == PaymentStatus.FAILED else "",
            ]
            for line in lines
        )
        total = sum((line["amount"] for line in lines), ZERO)
        footer = [_("Sum"), _("%(count)d lines") % {"count": len(lines)}, "", "", "", total, ""]
        title = _("Payable")
        count, capped = book.sheet(title, columns, rows, footer=footer)
        book.sheet(
            _("Left out"),
            [Column(_("Type of item"), 14), Column(_("Number"), 22), Column(_("Reason"), 60)],
            ([_kind(item["kind"]), item["ref"], item["reason"]] for item in skipped),
        )
        export_notes(
            book,
            title=title,
            filters=[(_("County"), region.name if region else county)],
            exported_by=user_label(user),
            count=count,
            capped=capped,
        )
        content = book.content()
    _record(user, list_name="payable", filters={"county": county}, count=count, capped=capped, region=county)
    return content


def report_export(*, user, year: int, month: int) -> bytes:
    """A month's payments as on the report screen: the sums by kind and result, then every line."""
    report = month_payments(user, year=year, month=month)
    month_text = f"{year:04d}-{month:02d}"
    with translation.override("zh-hans"):
        book = ListWorkbook()
        result = {LineStatus.PAID: _("Paid"), LineStatus.FAILED: _("Failed")}
        summary = [
            [_kind(row["kind"]), result.get(row["status"], row["status"]), row["count"], row["total"]]
            for row in report["rows"]
        ]
        book.sheet(
            _("Summary"),
            [
                Column(_("Type of item"), 14),
                Column(_("Result"), 10),
                Column(_("Number of lines"), 10, "number"),
                Column(_("Amount"), 16, "money"),
            ],
            summary,
        )
        columns = [
            Column(_("Batch"), 24),
            Column(_("No."), 8, "number"),
            Column(_("Type of item"), 14),
            Column(_("Number"), 22),
            Column(_("Payee"), 24),
            Column(_("Amount"), 14, "money"),
            Column(_("Result"), 10),
            Column(_("Day paid"), 12, "date"),
            Column(_("Failure reason"), 40),
        ]
        rows = (
            [
                line.batch.number,
                line.seq,
                _kind(line.kind),
                line.ref,
                line.payee,
                line.amount,
                line.get_status_display(),
                line.paid_on,
                line.reason,
            ]
            for line in report["lines"].iterator(chunk_size=2000)
        )
        title = _("Payments by month")
        count, capped = book.sheet(_("Lines"), columns, rows)
        export_notes(
            book,
            title=title,
            filters=[(_("Month"), month_text)],
            exported_by=user_label(user),
            count=count,
            capped=capped,
        )
        content = book.content()
    _record(user, list_name="payment_report", filters={"month": month_text}, count=count, capped=capped)
    return content
