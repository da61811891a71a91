"""Sending one recorded message and recording how it went."""

from __future__ import annotations

import logging

from django.utils import timezone

from aidflow.notify.models import ApplicantMessage, MessageStatus
from aidflow.notify.senders import SendFailed, sender

logger = logging.getLogger(__name__)


def message_deliver(message_id: int) -> ApplicantMessage:
    """Send one recorded message through the configured sender and record how it went."""
    message = ApplicantMessage.objects.select_related("application").get(pk=message_id)
    if message.status != MessageStatus.PENDING:
        return message
    try:
        sender().send(phone=message.application.phone, text=message.text, reference=message.application.number)
    except SendFailed as error:
        message.status, message.error = MessageStatus.FAILED, str(error)[:200]
    except Exception as error:  # a sender's own bug must not escape either
        logger.exception("The SMS sender failed on message %s.", message_id)
        message.status, message.error = MessageStatus.FAILED, f"{type(error).__name__}: {error}"[:200]
    else:
        message.status, message.sent_at = MessageStatus.SENT, timezone.now()
    message.save(update_fields=["status", "error", "sent_at"])
    return message
