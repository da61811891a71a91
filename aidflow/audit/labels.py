"""What the audit log's codes mean, in the reader's language: roles, actions and stages, and the
event details through the one label table (aidflow.core.labels). The screens and the CSV show
these; the CSV keeps the codes too."""

from __future__ import annotations

from aidflow.audit.models import AuditAction
from aidflow.core.labels import detail_lines


def action_labels() -> dict[str, str]:
    from aidflow.cases.choices import StageAction

    return {**dict(StageAction.choices), **dict(AuditAction.choices)}


def role_labels() -> dict[str, str]:
    from aidflow.regions.models import Role

    return dict(Role.choices)


def stage_labels() -> dict[str, str]:
    from aidflow.regions.stages import Stage

    return dict(Stage.choices)


def details_summary(details, limit: int = 240) -> str:
    """Event details as short "名称: 值" lines, keys and coded values named for people by the label
    table (aidflow.core.labels)."""
    text = "; ".join(detail_lines(details or {}))
    return text if len(text) <= int(limit) else text[: int(limit) - 1] + "…"
