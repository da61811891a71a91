"""The referral screen's form: it only shapes input and names each field as the screen shows it, so
that the service's errors land beside their fields and in the shared summary."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReferralForm(forms.Form):
    """A referral (转诊备案). The service checks every value; the form's own checks are only what a
    browser would otherwise ask, so that nothing the service says is hidden behind them."""

    id_number = forms.CharField(label=_("Resident ID number"), max_length=18, required=False)
    name = forms.CharField(label=_("Name"), max_length=50, required=False)
    from_hospital_code = forms.CharField(label=_("Referred from"), max_length=30, required=False)
    to_hospital_code = forms.CharField(label=_("Referred to"), max_length=30, required=False)
    date = forms.CharField(label=_("Referral date"), max_length=10, required=False)
    diagnosis = forms.CharField(label=_("Diagnosis"), max_length=200, required=False)
    # The case and stay the referral was recorded for: the screen goes back to the case.
    application = forms.IntegerField(required=False, widget=forms.HiddenInput)
    stay = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def service_data(self) -> dict:
        """The API's request body (INTERFACES section 11); an empty "referred from" is left out."""
        values = {key: (self.cleaned_data.get(key) or "").strip() for key in SERVICE_KEYS}
        return {key: value for key, value in values.items() if value or key != "from_hospital_code"}


SERVICE_KEYS = ("id_number", "name", "from_hospital_code", "to_hospital_code", "date", "diagnosis")
