"""Template filters over the label table (aidflow.core.labels): `{{ code|code_label:"reason" }}`,
`{{ path|field_label }}`."""

from django import template

from aidflow.core import labels

register = template.Library()


@register.filter
def code_label(code, kind):
    """The name of `code` in the table `kind`; an unknown code is logged and shown as 未列明的代码."""
    if kind == "reason" and code in labels.KINDS["warning"]:
        kind = "warning"
    return labels.label(kind, code)


@register.filter
def field_label(path):
    return labels.field_label(path)


@register.filter
def region_label(code):
    """A region's name, or its code where the table has none."""
    return labels.region_name(code)
