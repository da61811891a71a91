"""The errors a service raises; the web views and the API turn each into its own status code."""

from __future__ import annotations


class InputErrors(Exception):
    """Bad input, as {"field.path": ["message", ...]}: every bad field at once (HTTP 400)."""

    def __init__(self, errors: dict[str, list[str]]):
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
