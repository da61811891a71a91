"""Template helpers of every form: the error summary's entries (templates/aidflow/_form_errors.html)."""

from django import template

from aidflow.core.formerrors import error_entries

register = template.Library()


@register.simple_tag
def form_error_entries(form=None, forms=None, errors=None):
    """The entries of the error summary: the errors of `form`, of each form or formset in `forms`,
    and the plain messages in `errors`."""
    return error_entries(form, forms, errors)
