"""The bank's payment file (XLSX, openpyxl): one row per line with the full account - the only place
it is shown - and a total row; every export audited. Written in openpyxl's write-only mode from the
lines read in chunks, so memory stays flat however many lines a batch has."""

from __future__ import annotations

import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import NotFound
from aidflow.core.fields import money_text
from aidflow.payments.models import PaymentBatch
from aidflow.payments.services.approval import sendable_check
from aidflow.payments.services.batching import finance_check
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of

HEADER = ["序号", "收款人", "开户行", "账号", "金额", "用途"]
MONEY_FORMAT = "#,##0.00"


def bank_file(*, user, batch: PaymentBatch) -> bytes:
    """The workbook for the bank: the county's finance officer and auditors in scope export it
    (every export is audited). A batch awaiting its second signature is not exported (Conflict);
    the batch row is locked while the file is written, so an approval cannot slip in between."""
    if role_of(user) == Role.AUDITOR:
        if not in_scope(user, batch.county, ["regions.audit_region"]):
            raise NotFound(_("No such payment batch."))
    else:
        finance_check(user, batch.county)
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        sendable_check(batch)
        content, count = _workbook(batch)
        audit_record(
            actor=user,
            action=AuditAction.PAYMENT_EXPORTED,
            region=batch.county,
            details={
                "batch": batch.number,
                "status": batch.status,
                "lines": count,
                "total": money_text(batch.total),
                "at": timezone.now().isoformat(),
            },
        )
    return content


def _workbook(batch: PaymentBatch) -> tuple[bytes, int]:
    """The workbook's bytes and the number of lines in it."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("发放明细")
    for column, width in zip("ABCDEF", (8, 24, 30, 26, 14, 34), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A3"
    bold = Font(bold=True)

    def cell(value, *, font=None, number_format: str = ""):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        item = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            item.data_type = "s"  # never a formula, whatever it starts with
        if number_format:
            item.number_format = number_format
        if font is not None:
            item.font = font
        return item

    def text(value: str):
        """Plain text as a plain value (cheaper to write); a cell typed as text where it would
        otherwise be read as a formula."""
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        return cell(value) if value.startswith("=") else value

    sheet.append([cell(f"医疗救助资金发放批次 {batch.number}（{batch.county}）", font=Font(bold=True, size=13))])
    sheet.append([cell(name, font=bold) for name in HEADER])
    count, total = 0, Decimal("0.00")
    fields = ("seq", "payee", "bank", "account", "amount", "ref")
    for seq, payee, bank, account, amount, ref in batch.lines.order_by("seq").values_list(*fields).iterator(2000):
        # The account as text, never 6.2E+18.
        sheet.append(
            [
                seq,
                text(payee),
                text(bank),
                cell(account, number_format="@"),
                cell(amount, number_format=MONEY_FORMAT),
                text(ref),
            ]
        )
        count += 1
        total += amount
    money = cell(total, font=bold, number_format=MONEY_FORMAT)
    money.alignment = Alignment(horizontal="right")
    sheet.append(
        [
            cell("合计", font=bold),
            cell(f"{count} 笔", font=bold),
            cell("", font=bold),
            cell("", font=bold),
            money,
            cell("", font=bold),
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
