"""The written notice each decision owes the applicant: an approval, a refusal, or a request for
materials. The notices app (which stands above the cases) issues it - numbered, its content frozen -
inside the decision's transaction, as the receiver of `notice_owed`."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

from aidflow.cases.choices import NoticeKind, StageAction
from aidflow.cases.models import Application, StageRecord
from aidflow.regions.stages import Stage
from workflows.models import Route

# Sent with `application` and `owed` (a NoticeOwed); exactly one receiver issues the notice and returns it.
notice_owed = Signal()


@dataclass(frozen=True)
class NoticeOwed:
    kind: str
    stage: str
    reasons: str = ""
    missing: list[str] = field(default_factory=list)


def notice_owed_for(stage: str, record: StageRecord, route: Route | None, clean: dict) -> NoticeOwed | None:
    """Which notice, if any, a decision just recorded owes the applicant."""
    if record.action == StageAction.APPROVED:
        return NoticeOwed(NoticeKind.APPROVAL, stage, reasons=record.reasons)
    if record.action == StageAction.REJECTED:
        # The county decides (决定书); the township only tells the applicant why (告知书).
        kind = NoticeKind.REVIEW_REFUSAL if stage == Stage.TOWNSHIP_REVIEW else NoticeKind.REJECTION
        return NoticeOwed(kind, stage, reasons=record.reasons)
    if route == Route.RETURN:
        return NoticeOwed(
            NoticeKind.SUPPLEMENT,
            stage,
            reasons=clean.get("reasons") or clean.get("findings") or "",
            missing=clean.get("missing") or [],
        )
    return None


def notice_request(*, application: Application, owed: NoticeOwed):
    """Have the notice issued in the caller's transaction; returns the Notice."""
    issued = [notice for _receiver, notice in notice_owed.send(sender=Application, application=application, owed=owed)]
    issued = [notice for notice in issued if notice is not None]
    if len(issued) != 1:
        raise ImproperlyConfigured(f"Exactly one receiver must issue a notice for a decision; {len(issued)} did.")
    return issued[0]
