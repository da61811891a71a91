"""Money on the printed forms: thousands marked, as people write it on paper (52,000.00)."""

from django import template

from aidflow.policy.plain_words import as_decimal
from aidflow.policy.plain_words import yuan as yuan_text

register = template.Library()


@register.filter
def money(value) -> str:
    """52000 -> "52,000.00"; empty -> "" (a blank cell to fill in by hand)."""
    if value is None or value == "":
        return ""
    return f"{as_decimal(value):,.2f}"


@register.filter
def yuan(value) -> str:
    """52000 -> "52,000元"."""
    if value is None or value == "":
        return ""
    return yuan_text(value)
