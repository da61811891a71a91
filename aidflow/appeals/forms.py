"""The case page's forms for an appeal and its outcome; the services check everything again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidflow.appeals.models import AppealKind, AppealOutcome

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class AppealForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=AppealKind.choices, widget=forms.RadioSelect)
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    body = forms.CharField(label=_("Reconsideration body or court"), max_length=200)
    case_number = forms.CharField(label=_("Case number"), max_length=80)
    late_reason = forms.CharField(
        label=_("Reason for accepting it late"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when received after the period."),
    )


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=AppealOutcome.choices, widget=forms.RadioSelect)
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    document = forms.FileField(label=_("Decision document (PDF, JPEG or PNG)"))
