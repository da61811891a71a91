"""The settlement screens' forms; they only shape input, the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ClaimForm(forms.Form):
    month = forms.CharField(label=_("Month"))
    county = forms.CharField(label=_("Paying county"), required=False)


class ClaimReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reasons = forms.CharField(label=_("Reasons"), max_length=2000, required=False)

    # The service's path of the ticked settlements.
    SERVICE_FIELDS = {"rejected_settlements": "refused"}
