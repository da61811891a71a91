"""The form the bank's results are filled into: the batch's lines still awaiting a result, by line
number (序号), with the columns the results upload reads (序号,状态,日期,原因) and, after them, the
number and amount of each line to check against the bank's own list (not read back)."""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext as _

from aidflow.core.cells import csv_row
from aidflow.core.sheets import Column, ListWorkbook
from aidflow.payments.models import LineStatus, PaymentBatch
from aidflow.payments.services.batching import finance_check
from aidflow.payments.services.results import RESULT_COLUMNS

# Read by nobody: the clerk's help to match each row with the bank's list.
REFERENCE_COLUMNS = ("用途", "金额")


def _pending(batch: PaymentBatch):
    lines = batch.lines.filter(status=LineStatus.PENDING).order_by("seq").only("batch", "seq", "ref", "amount")
    return lines.iterator(chunk_size=2000)


def _notes() -> list[tuple[str, str]]:
    return [
        ("序号", _("The batch's line number: do not change it.")),
        (
            "状态",
            _(
                "成功 when the bank paid the line, 失败 when it did not "
                "(also accepted: 已发放, 支付成功, 发放失败, 支付失败)."
            ),
        ),
        (
            "日期",
            _(
                "For 成功: the day the bank paid, e.g. 2026-03-05 (2026/3/5 is read too); "
                "not before the batch was made, not after today."
            ),
        ),
        ("原因", _("For 失败: the bank's reason (at most 500 characters), e.g. 账户已冻结.")),
        (_("Not back yet"), _("Leave 状态, 日期 and 原因 empty: the row is skipped and can be uploaded later.")),
        ("用途, 金额", _("To check each row against the bank's list; not read.")),
        (_("File"), _("Keep row 1 as it is. Upload this workbook, or a CSV in UTF-8 or GBK with the same columns.")),
    ]


def results_template_xlsx(*, user, batch: PaymentBatch) -> bytes:
    """The results form as a workbook: a drop-down of 成功/失败, dates as dates, and a notes sheet."""
    finance_check(user, batch.county)
    with translation.override("zh-hans"):
        book = ListWorkbook()
        columns = [
            Column(RESULT_COLUMNS[0], 8, "number"),
            Column(RESULT_COLUMNS[1], 10),
            Column(RESULT_COLUMNS[2], 14, "date"),
            Column(RESULT_COLUMNS[3], 36),
            Column(REFERENCE_COLUMNS[0], 24),
            Column(REFERENCE_COLUMNS[1], 14, "money"),
        ]
        rows = ([line.seq, None, None, None, line.ref, line.amount] for line in _pending(batch))
        book.sheet(_("Results"), columns, rows, choices={2: ["成功", "失败"]})
        book.notes(_("How to fill it in"), [(_("Batch"), batch.number), *_notes()])
        return book.content()


def results_template_csv(*, user, batch: PaymentBatch) -> bytes:
    """The same form as CSV, UTF-8 with a byte-order mark so that Excel opens it in Chinese."""
    finance_check(user, batch.county)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*RESULT_COLUMNS, *REFERENCE_COLUMNS])
    for line in _pending(batch):
        writer.writerow(csv_row([line.seq, "", "", "", line.ref, f"{line.amount:.2f}"]))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
