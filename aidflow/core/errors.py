"""The errors a service raises; the web views and the API turn each into its own status code."""

from __future__ import annotations

from django.utils.translation import gettext as _

# A file of 150,000 bad rows is not read back to its sender one message a row: the first this many
# messages are listed, then one saying how many more there are.
ERRORS_LISTED = 50


class MoreErrors(str):
    """The message standing for the messages left out; it carries their count, so errors built
    again from capped ones (renamed by row, say) keep the true total."""

    count: int

    def __new__(cls, count: int):
        text = _("… and %(count)d more errors (the first %(limit)d are listed).") % {
            "count": count,
            "limit": ERRORS_LISTED,
        }
        made = super().__new__(cls, text)
        made.count = count
        return made


def errors_capped(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The first ERRORS_LISTED messages in order, and a MoreErrors under the path of the first one
    left out (or of an earlier MoreErrors, or "" for the request as a whole) when there were more."""
    kept: dict[str, list[str]] = {}
    listed = more = 0
    marker_path = dropped_path = None
    for path, messages in errors.items():
        for message in messages:
            if isinstance(message, MoreErrors):
                more += message.count
                marker_path = path if marker_path is None else marker_path
            elif listed < ERRORS_LISTED:
                kept.setdefault(path, []).append(message)
                listed += 1
            else:
                more += 1
                dropped_path = path if dropped_path is None else dropped_path
    if more:
        if marker_path is None:
            marker_path = dropped_path if dropped_path in kept else ""
        kept.setdefault(marker_path, []).append(MoreErrors(more))
    return kept


class InputErrors(Exception):
    """Bad input, as {"field.path": ["message", ...]}: every bad field at once (HTTP 400), the first
    ERRORS_LISTED messages of them and a count of the rest."""

    def __init__(self, errors: dict[str, list[str]]):
        errors = errors_capped(errors)
        super().__init__(errors)
        self.errors = errors

    def text(self) -> str:
        """All messages on one line, for a flash message, each with the field it concerns named by
        the label table ("患者 · 身份证号：..."), never by its path."""
        from aidflow.core.formerrors import named

        return " ".join(named(path, message) for path, messages in self.errors.items() for message in messages)


class ActionForbidden(Exception):
    """The user's role may never take this action (HTTP 403)."""


class NotFound(Exception):
    """The object does not exist or lies outside the user's scope (HTTP 404)."""


class TaskNotOpen(Exception):
    """The task was already handled or is no longer open (HTTP 409)."""


class Conflict(Exception):
    """The request contradicts what is already recorded, e.g. a stay already claimed (HTTP 409),
    as {"field.path": ["message", ...]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class NoAidDue(Exception):
    """A calculation found no aid due, so nothing is recorded (HTTP 422): the reason codes say why,
    as [{"code", "message"}], and `result` is the calculation when there was one."""

    def __init__(self, detail: str, reasons: list[dict], result: dict | None = None):
        super().__init__(detail)
        self.detail = detail
        self.reasons = reasons
        self.result = result


def error_messages(error: Exception) -> list[str]:
    """The messages of a service's error for a page: every field's of InputErrors and Conflict, else its text."""
    errors = getattr(error, "errors", None)
    if isinstance(errors, dict):
        return [str(message) for values in errors.values() for message in values]
    return [str(error)]
