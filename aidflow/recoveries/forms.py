"""The revocation and recovery screens' forms; they only shape input, the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _

from aidflow.recoveries.selectors import recovery_of, revocation_of
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.settlements.models import SettlementStatus


class RevokeForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons for the revocation"), max_length=2000, widget=forms.Textarea)
    facts = forms.CharField(label=_("Facts found"), max_length=4000, widget=forms.Textarea)


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to record"),
        choices=[("repayment", _("Repayment")), ("write_off", _("Write-off"))],
        initial="repayment",
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=12, decimal_places=2)
    day = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class WriteOffDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the write-off")), ("refuse", _("Refuse the write-off"))],
        widget=forms.RadioSelect,
    )


def revocation_context(user, *, application=None, settlement=None, form=None) -> dict:
    """What the case page and the settlement page show of a revocation, and the approver's form."""
    revocation = revocation_of(application=application, settlement=settlement)
    if application is not None:
        revocable = application.status == "approved"
    else:
        revocable = settlement.status == SettlementStatus.APPROVED
    return {
        "revocation": revocation,
        "recovery": recovery_of(revocation),
        "may_revoke": revocation is None and revocable and role_of(user) == Role.COUNTY_APPROVER,
        "revoke_form": form or RevokeForm(),
    }
