"""Errors that stay: a form's errors beside its fields and listed once more at its top
(templates/aidflow/_form_errors.html), each entry naming the field and linking to it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from aidflow.core.labels import field_label


def add_service_errors(form: forms.Form, errors: Mapping[str, Iterable[str]], fields: Mapping[str, str] = ()) -> None:
    """Put a service's errors ({"path": [message]}) on the form: on the field `fields` names for the
    path, else on the field the path begins with, else on the form as a whole - there named by the
    label table ("第 1 次住院 · 出院日期：..."), never by the path itself."""
    fields = dict(fields)
    for path, messages in errors.items():
        target = fields.get(path) or path.split(".")[0].split("[")[0]
        on_field = target in form.fields
        for message in messages:
            form.add_error(target if on_field else None, str(message) if on_field else named(path, message))


def named(path: str, message) -> str:
    """A message with the field it concerns named for people; as it is when it concerns no field."""
    return _("%(field)s: %(message)s") % {"field": field_label(path), "message": message} if path else str(message)


def _row_name(row: int, row_label) -> str:
    if row_label:
        return str(row_label) % {"number": row}
    return _("Item %(number)d") % {"number": row}


def _form_entries(form: forms.Form, row: int | None = None, row_label=None) -> list[dict]:
    # An error of a whole row (a stay claimed elsewhere) is named by its row and leads to its first field.
    first = next((field.auto_id for field in form.visible_fields() if field.auto_id), "") if row is not None else ""
    entries = [
        {"target": first, "label": _row_name(row, row_label) if row is not None else "", "message": str(message)}
        for message in form.non_field_errors()
    ]
    for bound_field in form:
        for message in bound_field.errors:
            label = str(bound_field.label or bound_field.name)
            if row is not None and row_label:
                label = _("%(row)s: %(label)s") % {"row": _row_name(row, row_label), "label": label}
            elif row is not None:
                label = _("Item %(number)d: %(label)s") % {"number": row, "label": label}
            # The field's own id: a Material field's element, or the input itself where a screen
            # renders it by hand; the script moves focus to the control inside.
            entries.append({"target": bound_field.auto_id or "", "label": label, "message": str(message)})
    return entries


def error_entries(*items) -> list[dict]:
    """Every error of the given forms, formsets and plain messages (a list, or a dict of messages
    by label), in order: {"target": the id to move to, "label": the field's name, "message"}."""
    entries: list[dict] = []
    for item in items:
        if item is None or item == "":
            continue  # a template's missing variable
        if isinstance(item, forms.BaseForm):
            entries.extend(_form_entries(item))
        elif isinstance(item, forms.BaseFormSet):
            entries.extend({"target": "", "label": "", "message": str(m)} for m in item.non_form_errors())
            # A formset may name its rows ("Stay %(number)d"): `row_label`.
            for number, form in enumerate(item.forms, start=1):
                entries.extend(_form_entries(form, row=number, row_label=getattr(item, "row_label", None)))
        elif isinstance(item, Mapping):
            for label, messages in item.items():
                entries.extend({"target": "", "label": str(label), "message": str(m)} for m in messages)
        elif isinstance(item, str | Promise):
            entries.append({"target": "", "label": "", "message": item})
        else:
            for element in item:
                entries.extend(error_entries(element))
    return entries
