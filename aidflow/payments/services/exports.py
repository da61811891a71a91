"""The bank's payment file (XLSX, openpyxl): one row per line with the full account - the only place
it is shown - and a total row; every export audited."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.cells import xlsx_text
from aidflow.core.errors import NotFound
from aidflow.core.fields import money_text
from aidflow.payments.models import PaymentBatch
from aidflow.payments.services.batching import finance_check
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of

HEADER = ["序号", "收款人", "开户行", "账号", "金额", "用途"]
MONEY_FORMAT = "#,##0.00"


def bank_file(*, user, batch: PaymentBatch) -> bytes:
    """The workbook for the bank: the county's finance officer and auditors in scope export it
    (every export is audited)."""
    if role_of(user) == Role.AUDITOR:
        if not in_scope(user, batch.county, ["regions.audit_region"]):
            raise NotFound(_("No such payment batch."))
    else:
        finance_check(user, batch.county)
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "发放明细"
    sheet.append([f"医疗救助资金发放批次 {batch.number}（{batch.county}）"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(HEADER)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    lines = list(batch.lines.order_by("seq"))
    for line in lines:
        sheet.append([line.seq, None, None, None, line.amount, None])
        row = sheet.max_row
        for column, text in ((2, line.payee), (3, line.bank), (4, line.account), (6, line.ref)):
            xlsx_text(sheet, row, column, text)
        sheet.cell(row=row, column=4).number_format = "@"  # the account as text, never 6.2E+18
        sheet.cell(row=row, column=5).number_format = MONEY_FORMAT
    sheet.append(["合计", f"{len(lines)} 笔", "", "", sum(line.amount for line in lines), ""])
    total = sheet.max_row
    sheet.cell(row=total, column=5).number_format = MONEY_FORMAT
    for cell in sheet[total]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEF", (8, 24, 30, 26, 14, 34), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.cell(row=total, column=5).alignment = Alignment(horizontal="right")
    sheet.freeze_panes = "A3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    audit_record(
        actor=user,
        action=AuditAction.PAYMENT_EXPORTED,
        region=batch.county,
        details={
            "batch": batch.number,
            "lines": len(lines),
            "total": money_text(batch.total),
            "at": timezone.now().isoformat(),
        },
    )
    return buffer.getvalue()
