"""Request ids for the logs: every line written while serving a request carries its id, which the
answer also gives back (X-Request-ID), so a user's report and the log meet. With LOG_FORMAT=json
each line is one JSON object (settings.LOGGING)."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("aidflow_request_id", default="-")
# An id the proxy already gave the request is kept, when it looks like one.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def request_id_for(header: str | None) -> str:
    if header and INCOMING_ID.match(header):
        return header
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request: commands, workers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True
