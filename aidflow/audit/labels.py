"""What the audit log's codes mean, in the reader's language: roles, actions, stages and the
usual keys of event details. The screens and the CSV show these; the CSV keeps the codes too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from aidflow.audit.models import AuditAction

# Keys that recur in event details, named for people.
DETAIL_KEYS = {
    "number": _("number"),
    "decision": _("decision"),
    "facts": _("facts"),
    "reasons": _("reasons"),
    "missing": _("missing materials"),
    "amount": _("amount"),
    "notice": _("notice"),
    "kind": _("kind"),
    "username": _("username"),
    "id_number": _("ID number"),
    "region": _("region"),
    "month": _("month"),
    "count": _("count"),
    "total": _("total"),
    "hospital": _("hospital"),
    "category": _("category"),
    "aid_type": _("aid type"),
    "policy": _("policy"),
    "sha256": "SHA-256",
    "document": _("document"),
    "size": _("size"),
    "rows": _("rows"),
    "found": _("found"),
    "on": _("on"),
    "failures": _("failed sign-ins"),
    "old": _("before"),
    "new": _("after"),
    "bank": _("bank"),
    "account": _("account"),
    "list": _("list"),
    "filters": _("filters"),
    "capped": _("cut at the limit"),
    "shown": _("shown"),
    "settlement": _("settlement"),
    "claim": _("claim"),
    "batch": _("batch"),
}


def action_labels() -> dict[str, str]:
    from aidflow.cases.choices import StageAction

    return {**dict(StageAction.choices), **dict(AuditAction.choices)}


def role_labels() -> dict[str, str]:
    from aidflow.regions.models import Role

    return dict(Role.choices)


def stage_labels() -> dict[str, str]:
    from aidflow.regions.stages import Stage

    return dict(Stage.choices)


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{DETAIL_KEYS.get(key, key)}.")
    else:
        text = "、".join(str(part) for part in value) if isinstance(value, list) else str(value)
        yield f"{prefix.rstrip('.')}: {text}"


def details_summary(details, limit: int = 240) -> str:
    """Event details as short "key: value" lines, keys named for people."""
    text = "; ".join(_flatten(details or {}))
    return text if len(text) <= int(limit) else text[: int(limit) - 1] + "…"
