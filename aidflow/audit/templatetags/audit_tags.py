"""Template helpers for audit screens."""

from django import template

register = template.Library()


def _flatten(value, prefix=""):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _flatten(item, f"{prefix}{key}.")
    else:
        text = "、".join(str(part) for part in value) if isinstance(value, list) else str(value)
        yield f"{prefix.rstrip('.')}: {text}"


@register.filter
def audit_summary(details, limit=240):
    """Event details as short "key: value" lines for a table cell."""
    text = "; ".join(_flatten(details or {}))
    return text if len(text) <= int(limit) else text[: int(limit) - 1] + "…"
