"""What the finance screens ask the officer to confirm: a new batch (its lines and total) and the
bank's results (how many paid, how many failed). The results file goes through the confirmation
inside the page, signed, so it need not be chosen again (aidflow/core/confirmation.py)."""

from __future__ import annotations

import base64
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aidflow.core.confirmation import Confirmation
from aidflow.core.errors import InputErrors
from aidflow.core.fields import money_text

CARRIED_FILE = "results_file"
SALT = "aidflow.payments.results"
# A file the page carries must fit in one form field (Django refuses larger bodies).
CARRY_LIMIT = settings.DATA_UPLOAD_MAX_MEMORY_SIZE - 64 * 1024


def yuan(amount) -> str:
    return _("%(amount)s yuan") % {"amount": money_text(amount)}


def lines_text(count: int, amount) -> str:
    return ngettext("%(count)d line, %(amount)s", "%(count)d lines, %(amount)s", count) % {
        "count": count,
        "amount": yuan(amount),
    }


def batch_confirmation(county, lines: list[dict], skipped: list[dict]) -> Confirmation:
    zero = Decimal("0.00")
    applications = [line["amount"] for line in lines if line["kind"] == "application"]
    claims = [line["amount"] for line in lines if line["kind"] == "claim"]
    facts = [
        (_("County"), county.name if county else ""),
        (_("Lines in the batch"), lines_text(len(lines), sum((line["amount"] for line in lines), zero))),
        (_("Applications"), lines_text(len(applications), sum(applications, zero))),
        (_("Hospital claims"), lines_text(len(claims), sum(claims, zero))),
    ]
    if skipped:
        facts.append((_("Left out (no account)"), str(len(skipped))))
    return Confirmation(
        title=_("Make a payment batch?"),
        lead=_(
            "These lines go into a new numbered batch for the bank and wait there for its results; "
            "a batch cannot be undone or changed."
        ),
        facts=facts,
        action=_("Make the batch"),
        back="payable-form",
        opener="batch-create",
    )


def results_confirmation(batch, name: str, counts: dict) -> Confirmation:
    return Confirmation(
        title=_("Record the bank's results?"),
        lead=_(
            "Recorded results cannot be changed: paid lines are paid, failed lines become payable "
            "again in the next batch."
        ),
        facts=[
            (_("Batch"), batch.number),
            (_("Results file"), name),
            (_("Paid"), lines_text(counts["paid"], counts["paid_amount"])),
            (_("Failed"), lines_text(counts["failed"], counts["failed_amount"])),
            (_("Still awaiting the bank afterwards"), str(counts["still_pending"])),
        ],
        action=_("Record the results"),
        back="results-form",
        opener="results-submit",
    )


def file_carry(batch, upload) -> str:
    """The chosen file, signed, for the dialog's form to post again."""
    upload.seek(0)
    content = upload.read()
    token = signing.dumps(
        {"batch": batch.pk, "name": upload.name, "content": base64.b64encode(content).decode("ascii")},
        salt=SALT,
        compress=True,
    )
    if len(token) > CARRY_LIMIT:
        raise InputErrors({"file": [_("The file is too large to confirm in one step: split its rows over two files.")]})
    return token


def file_carried(batch, token: str) -> SimpleUploadedFile:
    """The file a confirmation carried back; an expired or altered one must be chosen again."""
    try:
        data = signing.loads(token, salt=SALT, max_age=3600)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("batch") != batch.pk:
        raise InputErrors({"file": [_("The confirmation has expired: choose the file again.")]})
    return SimpleUploadedFile(data["name"], base64.b64decode(data["content"]))
