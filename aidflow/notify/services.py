"""Messages to the applicant's phone at filing, return for materials, decision and payment.

A message is recorded on the case inside the action's transaction (so a rolled-back action leaves
none) and sent only after the commit, in the background when a broker is configured. Sending never
raises into the action: a failure is recorded on the message with its reason.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from aidflow.notify.delivery import message_deliver
from aidflow.notify.models import ApplicantMessage, MessageKind, MessageStatus
from aidflow.notify.senders import mask_phone
from aidflow.notify.tasks import deliver_message

logger = logging.getLogger(__name__)


def _township_name(application) -> str:
    township = application.village.parent
    return township.name if township is not None else ""


def message_text(application, kind: str, **facts) -> str:
    """The message in Chinese, whatever the language of the staff member whose action caused it."""
    with translation.override("zh-hans"):
        values = {"number": application.number, "township": _township_name(application)}
        if kind == MessageKind.FILED:
            values.update(code=application.status_code, url=settings.AIDFLOW_PUBLIC_URL.rstrip("/") + "/status/")
            return (
                _(
                    "[Medical aid] Your application is filed: number %(number)s, status code %(code)s. "
                    "See how it stands at %(url)s with the number and the code."
                )
                % values
            )
        if kind == MessageKind.RETURNED:
            materials = "、".join(application.missing_materials or []) or _("see the village committee")
            return _(
                "[Medical aid] Application %(number)s needs more materials: %(materials)s. "
                "Please bring them to the village committee."
            ) % {**values, "materials": materials}
        if kind == MessageKind.DECIDED:
            if application.decision == "approved":
                return _(
                    "[Medical aid] Application %(number)s is approved: %(amount)s yuan. The decision notice "
                    "is delivered by %(township)s, where it can also be collected."
                ) % {**values, "amount": application.amount}
            return (
                _(
                    "[Medical aid] Application %(number)s is not approved. The written notice gives the reasons; "
                    "it is delivered by %(township)s, where it can also be collected."
                )
                % values
            )
        return _("[Medical aid] The aid of application %(number)s, %(amount)s yuan, was paid on %(day)s.") % {
            **values,
            "amount": facts.get("amount", application.amount),
            "day": facts.get("paid_on") or timezone.localdate(),
        }


def message_queue(*, application, kind: str, **facts) -> ApplicantMessage:
    """Record the message on the case now; send it once the caller's transaction commits."""
    phone = (application.phone or "").strip()
    message = ApplicantMessage.objects.create(
        application=application,
        kind=kind,
        phone=mask_phone(phone) if phone else "",
        text=message_text(application, kind, **facts),
        status=MessageStatus.PENDING if phone else MessageStatus.SKIPPED,
    )
    if phone:
        transaction.on_commit(lambda: message_schedule(message.pk), robust=True)
    return message


def message_schedule(message_id: int) -> None:
    """Send now (no broker) or queue the send. Never raises: the action is already committed."""
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            message_deliver(message_id)
        else:
            deliver_message.delay(message_id)
    except Exception:
        logger.exception("Message %s to an applicant could not be sent or queued.", message_id)
