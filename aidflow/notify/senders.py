"""Where a text message to an applicant's phone goes: a pluggable sender.

By default the console/log sender writes it to the log (a developer machine, an office without a
gateway). With `SMS_URL` set, the HTTP sender POSTs `{"phone", "text", "reference"}` as JSON to the
gateway and takes any 2xx answer as accepted. A sender raises `SendFailed` with the reason; the
caller records it and never lets it reach the action that caused the message.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("aidflow.sms")


def mask_phone(phone: str) -> str:
    """`138****5678`: enough for staff to tell which number was used, not enough to call it."""
    phone = phone.strip()
    if len(phone) <= 7:
        return "*" * max(len(phone) - 4, 0) + phone[-4:]
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


class SendFailed(Exception):
    """The message was not accepted; the text says why (for the case's record)."""


class Sender(Protocol):
    def send(self, *, phone: str, text: str, reference: str) -> None: ...


class ConsoleSender:
    """Writes the message to the log instead of a phone (the default)."""

    def send(self, *, phone: str, text: str, reference: str) -> None:
        logger.info("SMS to %s (%s): %s", mask_phone(phone), reference, text)


class HttpSender:
    """An SMS gateway over HTTP: one JSON POST per message, with a timeout."""

    def __init__(self, url: str, timeout: float):
        self.url, self.timeout = url, timeout

    def send(self, *, phone: str, text: str, reference: str) -> None:
        body = json.dumps({"phone": phone, "text": text, "reference": reference}, ensure_ascii=False).encode()
        # SMS_URL is checked at start-up to be http:// or https://.
        request = urllib.request.Request(  # noqa: S310
            self.url, data=body, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - configured URL
                status = response.status
        except urllib.error.HTTPError as error:
            raise SendFailed(f"gateway answered HTTP {error.code}") from None
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            raise SendFailed(f"gateway not reached: {reason}"[:200]) from None
        if not 200 <= status < 300:
            raise SendFailed(f"gateway answered HTTP {status}")


def sender() -> Sender:
    """The configured sender: `SMS_SENDER` (a dotted class path) if set, else HTTP with `SMS_URL`,
    else the console."""
    dotted = getattr(settings, "SMS_SENDER", "")
    if dotted:
        return import_string(dotted)()
    if settings.SMS_URL:
        return HttpSender(settings.SMS_URL, settings.SMS_TIMEOUT)
    return ConsoleSender()
