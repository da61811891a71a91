"""Template helpers for audit screens."""

from django import template

from aidflow.audit.labels import details_summary
from aidflow.core.labels import actor_label

register = template.Library()


@register.filter
def label(code, mapping):
    """The readable name of a code in `mapping` (the code itself when unknown)."""
    if not code:
        return ""
    return str(mapping.get(code, code))


@register.filter
def audit_summary(details, limit=240):
    """Event details as short "key: value" lines for a table cell."""
    return details_summary(details, limit)


@register.filter
def actor(name):
    """The event's actor: a command or job named for people, a person by sign-in name."""
    return actor_label(name)
