"""The finance screens' forms; they only shape input, the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ResultsForm(forms.Form):
    file = forms.FileField(
        label=_("Results file"),
        error_messages={"required": _("Choose the bank's results file (XLSX or CSV).")},
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def __init__(self, *args, carried: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        # A file a confirmation carried back is not chosen again.
        self.fields["file"].required = not carried
