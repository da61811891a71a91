"""The applicant's own view of their case: a status code given at filing, and what it shows.

The code is 8 characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31^8, about 8.5e11
codes, so guessing one within the per-address rate limit is hopeless. It is compared in constant
time, and an unknown number is compared against a dummy code, so a wrong code and an unknown number
take the same path: one query, one comparison, the same answer.
"""

from __future__ import annotations

import hmac
import secrets

from django.utils.translation import gettext as _

from aidflow.cases.choices import StageAction, Status
from aidflow.cases.models import Application, StageRecord
from aidflow.regions.stages import Stage

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_DUMMY = "Z" * CODE_LENGTH


def status_code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def status_code_clean(text: str) -> str:
    """As typed: case, spaces and dashes do not matter."""
    return "".join(str(text or "").split()).replace("-", "").upper()[:32]


def _matches(stored: str, given: str) -> bool:
    return hmac.compare_digest(stored.encode(), given.encode())


def status_lookup(*, number: str, code: str) -> dict | None:
    """What the holder of the number and code may see, or None - the same None for an unknown
    number and a wrong code. Nothing personal: no name, ID number, phone, address or diagnosis."""
    number = str(number or "").strip()[:20]
    given = status_code_clean(code)
    # Only the key and the code first, as plain values: the miss and the wrong code then cost the same.
    found = Application.objects.filter(number=number).values_list("pk", "status_code").first()
    pk, stored = found if found is not None and found[1] else (None, _DUMMY)
    if not _matches(stored, given) or pk is None:
        return None
    application = (
        Application.objects.select_related("village__parent")
        .only(
            "number",
            "stage",
            "stage_due_date",
            "status",
            "decision",
            "amount",
            "decided_on",
            "village__parent__name",
            "village__parent__code",
        )
        .get(pk=pk)
    )
    return _answer(application)


def _answer(application: Application) -> dict:
    closed = application.stage == Stage.CLOSED
    answer = {
        "number": application.number,
        "stage": application.stage,
        "stage_label": str(Stage(application.stage).label),
        "due_date": None if closed else application.stage_due_date,
        "status": application.status,
        "status_label": str(Status(application.status).label),
        "outcome": None,
    }
    if application.status in (Status.APPROVED, Status.REJECTED):
        township = application.village.parent.name if application.village.parent_id else ""
        delivered = (
            StageRecord.objects.filter(application_id=application.pk, action=StageAction.DELIVERED)
            .values_list("delivered_on", flat=True)
            .first()
        )
        answer["outcome"] = {
            "decision": application.status,
            "decision_label": str(Status(application.status).label),
            "decided_on": application.decided_on,
            "amount": application.amount if application.status == Status.APPROVED else None,
            "notice_delivered_on": delivered,
            "collect": (
                _("The notice was delivered on %(day)s. A copy can be asked for at %(township)s.")
                % {"day": delivered, "township": township}
                if delivered
                else _(
                    "The decision notice is delivered to you by %(township)s; you may also collect it there, "
                    "bringing this number and your ID card."
                )
                % {"township": township}
            ),
        }
    return answer
