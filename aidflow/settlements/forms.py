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


STAY_LABELS = {
    "admission_date": _("Admission date"),
    "discharge_date": _("Discharge date"),
    "total_cost": _("Total cost"),
    "eligible_cost": _("Compliant cost"),
    "basic_insurance": _("Basic insurance paid"),
    "serious_illness_insurance": _("Serious-illness insurance paid"),
    "other_insurance": _("Other insurance paid"),
    "charity": _("Charity"),
    "diagnosis": _("Main discharge diagnosis"),
    "icd10": _("ICD-10"),
}


class WindowForm(forms.Form):
    """The window's fields as the screen names them, so that the service's errors land beside them
    (the screen renders its inputs itself; the service checks every value)."""

    id_number = forms.CharField(label=_("Resident ID number"), required=False)
    name = forms.CharField(label=_("Name"), required=False)
    aid_type = forms.CharField(label=_("Aid type"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in STAY_LABELS.items():
            self.fields[name] = forms.CharField(label=label, required=False)

    SERVICE_FIELDS = {
        "patient.id_number": "id_number",
        "patient.name": "name",
        "aid_type": "aid_type",
        **{f"stay.{name}": name for name in STAY_LABELS},
    }
