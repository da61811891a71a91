"""Template helpers for audit screens."""

from django import template

from aidflow.audit.labels import details_summary

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
