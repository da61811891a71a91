"""What the bank did with each line: paid on a day, or failed with a reason. All of a request or
none of it; a failed item is payable again in a later batch; a batch closes when every line has
its result. The bank's results file (XLSX or CSV, by line number) goes through the same path."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.cases.models import Application
from aidflow.cases.services.payment_alerts import payment_failures_notify
from aidflow.core.errors import Conflict, InputErrors
from aidflow.core.fields import MISSING, FieldReader
from aidflow.core.payment import PaymentStatus
from aidflow.core.tables import BATCH_RESULTS_LIMITS, date_text, table_upload
from aidflow.notify.models import MessageKind
from aidflow.notify.services import message_queue
from aidflow.payments.models import BatchStatus, LineStatus, PaymentBatch, PaymentLine
from aidflow.payments.services.approval import sendable_check
from aidflow.payments.services.batching import finance_check
from aidflow.settlements.models import SettlementClaim
from aidflow.subsidies.models import PremiumRoster

# The results file's columns: the line number, the outcome, the day paid, the reason of a failure.
RESULT_COLUMNS = ("序号", "状态", "日期", "原因")
# Which column of the file a field of the request came from, to name it in a row's error.
FIELD_COLUMNS = {"line": "序号", "status": "状态", "paid_on": "日期", "reason": "原因"}
LINE_NUMBER = re.compile(r"^[0-9]+(\.0+)?$")
RESULT_PATH = re.compile(r"^results\[(?P<index>[0-9]+)\](?:\.(?P<field>[a-z_]+))?$")
# What recording a result reads of a line (a batch may hold 100,000 of them).
LINE_FIELDS = ("pk", "batch", "seq", "ref", "amount", "status", "application", "claim")
# Lines and items written per UPDATE.
CHUNK = 5000
PAID_WORDS = {"paid", "成功", "已发放", "支付成功"}
FAILED_WORDS = {"failed", "失败", "发放失败", "支付失败"}


def _read(batch: PaymentBatch, data: object, today: datetime.date) -> list[tuple[PaymentLine, dict]]:
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    raw = data.get("results")
    if not isinstance(raw, list) or not raw:
        raise InputErrors({"results": [_("A non-empty list of line results is required.")]})
    lines = {line.pk: line for line in batch.lines.only(*LINE_FIELDS)}
    reader = FieldReader()
    read, seen = [], set()
    for index, item in enumerate(raw):
        path = f"results[{index}]"
        if not isinstance(item, dict):
            reader.error(path, _("Must be an object."))
            continue
        line_id = reader.get(item, "line", f"{path}.line")
        status = reader.choice(item, "status", f"{path}.status", [LineStatus.PAID, LineStatus.FAILED])
        line = lines.get(line_id) if isinstance(line_id, int) and not isinstance(line_id, bool) else None
        if line_id is not MISSING and line is None:
            reader.error(
                f"{path}.line", _("No line %(line)s in batch %(batch)s.") % {"line": line_id, "batch": batch.number}
            )
        elif line is not None and line.pk in seen:
            reader.error(f"{path}.line", _("The same line twice in one request."))
        paid_on = reader.date(item, "paid_on", f"{path}.paid_on", required=status == LineStatus.PAID)
        if status == LineStatus.FAILED:
            paid_on = None  # a failed payment was paid on no day
        if paid_on and (paid_on > today or paid_on < timezone.localtime(batch.created_at).date()):
            reader.error(f"{path}.paid_on", _("The day paid lies between the batch's day and today."))
        reason = reader.text(item, "reason", f"{path}.reason", required=status == LineStatus.FAILED, max_length=500)
        if line is not None:
            seen.add(line.pk)
            read.append((line, {"status": status, "paid_on": paid_on, "reason": reason or "", "path": path}))
    reader.raise_if_any()
    return read


def _none_recorded(results: list[tuple[PaymentLine, dict]]) -> None:
    """Conflict, naming them, when lines already have their result."""
    done = {result["path"]: line for line, result in results if line.status != LineStatus.PENDING}
    if done:
        raise Conflict(
            {
                f"{path}.line": [
                    _("Line %(seq)d already has its result (%(status)s).")
                    % {"seq": line.seq, "status": line.get_status_display()}
                ]
                for path, line in done.items()
            }
        )


def results_record(*, user, batch: PaymentBatch, data: object, source: str = "api") -> PaymentBatch:
    """Record the bank's results for some lines of the batch; Conflict (and nothing written) when a
    line already has its result."""
    finance_check(user, batch.county)
    today = timezone.localdate()
    with transaction.atomic():
        batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
        sendable_check(batch)
        results = _read(batch, data, today)
        _none_recorded(results)
        now = timezone.now()
        # One UPDATE per outcome (status, day, reason) and chunk, not two per line.
        groups: dict[tuple, list[PaymentLine]] = {}
        for line, result in results:
            line.status, line.paid_on, line.reason = result["status"], result["paid_on"], result["reason"]
            line.result_at, line.result_by = now, user
            groups.setdefault((line.status, line.paid_on, line.reason), []).append(line)
        for (status, paid_on, reason), lines in groups.items():
            item_status = PaymentStatus.PAID if status == LineStatus.PAID else PaymentStatus.FAILED
            for first in range(0, len(lines), CHUNK):
                chunk = lines[first : first + CHUNK]
                PaymentLine.objects.filter(pk__in=[line.pk for line in chunk]).update(
                    status=status, paid_on=paid_on, reason=reason, result_at=now, result_by=user
                )
                for model, ids in (
                    (Application, [line.application_id for line in chunk if line.application_id]),
                    (SettlementClaim, [line.claim_id for line in chunk if line.claim_id]),
                    (PremiumRoster, [line.roster_id for line in chunk if line.roster_id]),
                ):
                    if ids:
                        model.objects.filter(pk__in=ids).update(payment_status=item_status, paid_on=paid_on)
        paid = [line for line, _result in results if line.application_id and line.status == LineStatus.PAID]
        # The village clerk fetches the right card from the applicant: told at once, with the reason.
        payment_failures_notify(
            failures=[
                (line.application_id, line.amount, line.reason, batch.number)
                for line, _result in results
                if line.status == LineStatus.FAILED and line.application_id
            ]
        )
        # The applicant hears that the money left (the hospital's claims have no applicant to tell).
        told = Application.objects.select_related("village__parent").in_bulk([line.application_id for line in paid])
        for line in paid:
            message_queue(
                application=told[line.application_id], kind=MessageKind.PAID, amount=line.amount, paid_on=line.paid_on
            )
        if not batch.lines.filter(status=LineStatus.PENDING).exists():
            batch.status, batch.closed_at = BatchStatus.CLOSED, now
            batch.save(update_fields=["status", "closed_at"])
        audit_record(
            actor=user,
            action=AuditAction.PAYMENT_RESULTS_RECORDED,
            region=batch.county,
            details={
                "batch": batch.number,
                "source": source,
                "results": [
                    {
                        "line": line.seq,
                        "ref": line.ref,
                        "status": line.status,
                        "paid_on": str(line.paid_on or ""),
                        "reason": line.reason,
                    }
                    for line, _result in results
                ],
                "closed": batch.status == BatchStatus.CLOSED,
            },
        )
    return batch


def _file_results(batch: PaymentBatch, upload) -> tuple[list[dict], list[int]]:
    """The results a file gives (XLSX, or CSV in UTF-8 or GB18030), as the request's list, and each
    one's row in the file: a header 序号,状态,日期,原因 then one row per line; a row with neither 状态,
    日期 nor 原因 is a line not back yet and is skipped. Every row is checked first and named with its
    column in the error."""
    table = table_upload(upload, limits=BATCH_RESULTS_LIMITS)
    if [cell for cell in table.header[:4]] != list(RESULT_COLUMNS):
        raise InputErrors({"file": [_("Row 1 must be the header %(header)s.") % {"header": ",".join(RESULT_COLUMNS)}]})
    by_seq = dict(batch.lines.values_list("seq", "pk"))
    errors: list[str] = []
    results, row_numbers = [], []
    for number, row in table.body():
        seq_text, status_text, day, reason = [*row, "", "", "", ""][:4]
        if not (status_text or day or reason):
            continue  # a line of the form whose result is not back yet
        seq = int(seq_text.split(".")[0]) if LINE_NUMBER.match(seq_text) else None
        line = by_seq.get(seq)
        if line is None:
            errors.append(
                _("Row %(row)d, 序号: %(value)r is not a line of this batch.") % {"row": number, "value": seq_text}
            )
            continue
        if status_text.lower() in PAID_WORDS:
            status = LineStatus.PAID
        elif status_text.lower() in FAILED_WORDS:
            status = LineStatus.FAILED
        else:
            errors.append(
                _("Row %(row)d, 状态: %(value)r is neither 成功 nor 失败.") % {"row": number, "value": status_text}
            )
            continue
        paid_on = (date_text(day) or None) if status == LineStatus.PAID else None
        results.append({"line": line, "status": status, "paid_on": paid_on, "reason": reason or None})
        row_numbers.append(number)
    if errors:
        raise InputErrors({"file": errors})
    if not results:
        raise InputErrors({"file": [_("The file has no result rows.")]})
    return results, row_numbers


def _by_row(error: InputErrors | Conflict, row_numbers: list[int]) -> InputErrors | Conflict:
    """The request's errors (results[2].paid_on) named by the file's row and column: 第3行，日期：..."""
    named = []
    for path, messages in error.errors.items():
        match = RESULT_PATH.match(path)
        for message in messages:
            if match is None:
                named.append(message)
                continue
            number = row_numbers[int(match["index"])]
            column = FIELD_COLUMNS.get(match["field"] or "", "")
            if column:
                named.append(
                    _("Row %(row)d, %(field)s: %(message)s") % {"row": number, "field": column, "message": message}
                )
            else:
                named.append(_("Row %(row)d: %(message)s") % {"row": number, "message": message})
    return type(error)({"file": named})


def results_check(*, user, batch: PaymentBatch, upload) -> dict:
    """What the file would record, every row and line checked as results_import does, with nothing
    written: the counts a screen asks the finance officer to confirm."""
    finance_check(user, batch.county)
    sendable_check(batch)
    results, row_numbers = _file_results(batch, upload)
    try:
        read = _read(batch, {"results": results}, timezone.localdate())
        _none_recorded(read)
    except (InputErrors, Conflict) as error:
        raise _by_row(error, row_numbers) from None
    paid = [line for line, result in read if result["status"] == LineStatus.PAID]
    failed = [line for line, result in read if result["status"] == LineStatus.FAILED]
    pending = batch.lines.filter(status=LineStatus.PENDING).count()
    return {
        "paid": len(paid),
        "paid_amount": sum((line.amount for line in paid), Decimal("0.00")),
        "failed": len(failed),
        "failed_amount": sum((line.amount for line in failed), Decimal("0.00")),
        "still_pending": pending - len(read),
    }


def results_import(*, user, batch: PaymentBatch, upload) -> PaymentBatch:
    """The bank's results file through the same path as the API's results; nothing is written on a bad file."""
    finance_check(user, batch.county)
    results, row_numbers = _file_results(batch, upload)
    try:
        return results_record(user=user, batch=batch, data={"results": results}, source="file")
    except (InputErrors, Conflict) as error:
        raise _by_row(error, row_numbers) from None
