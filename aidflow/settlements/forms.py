"""The settlement screens' forms; they only shape input, the services decide what is valid."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from aidflow.core.errors import InputErrors
from aidflow.core.labels.paths import FIELDS
from aidflow.settlements.models import RefusalCode, SettlementStatus
from aidflow.settlements.services.claiming import month_parse
from aidflow.settlements.services.window import STAY_FIELDS


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ClaimForm(forms.Form):
    month = forms.CharField(label=_("Month"))
    county = forms.CharField(label=_("Paying county"), required=False)


class ClaimReviewForm(forms.Form):
    """The county's review of a claim: for each settlement, paid or refused - as non-compliant (the
    fund never pays the stay) or for correction (the hospital may settle it again) - with its own
    reason; the decision; and reasons for the whole claim, which also stand for any refusal
    without its own."""

    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reasons = forms.CharField(label=_("Reasons for the review"), max_length=2000, required=False)

    def __init__(self, *args, settlements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.settlements = list(settlements)
        for settlement in self.settlements:
            self.fields[f"refusal_{settlement.pk}"] = forms.ChoiceField(
                label=_("Review of %(number)s") % {"number": settlement.number},
                choices=[("", _("Pay")), *RefusalCode.choices],
                required=False,
            )
            self.fields[f"refusal_reason_{settlement.pk}"] = forms.CharField(
                label=_("Why %(number)s is refused") % {"number": settlement.number},
                max_length=2000,
                required=False,
            )
            self.fields[f"refusal_amount_{settlement.pk}"] = forms.DecimalField(
                label=_("Refuse only this much of its compliant cost (yuan; empty: all of it)"),
                max_digits=12,
                decimal_places=2,
                min_value=Decimal("0.01"),
                required=False,
            )

    def rows(self) -> list[tuple]:
        """(settlement, its review field, its reason field, its part field), in the claim's order."""
        return [
            (item, self[f"refusal_{item.pk}"], self[f"refusal_reason_{item.pk}"], self[f"refusal_amount_{item.pk}"])
            for item in self.settlements
        ]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("reasons") or "").strip():
            for settlement in self.settlements:
                if (
                    cleaned.get(f"refusal_{settlement.pk}")
                    and not (cleaned.get(f"refusal_reason_{settlement.pk}") or "").strip()
                ):
                    self.add_error(
                        f"refusal_reason_{settlement.pk}",
                        _("Say why this settlement is refused, or give reasons for the whole review below."),
                    )
        return cleaned

    def refusals(self) -> list[dict]:
        """The refused settlements as the service's `rejected_settlements` (INTERFACES section 11)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return [
            {
                "id": settlement.pk,
                "code": data[f"refusal_{settlement.pk}"],
                "reason": (data.get(f"refusal_reason_{settlement.pk}") or "").strip(),
                **(
                    {"amount": str(data[f"refusal_amount_{settlement.pk}"])}
                    if data.get(f"refusal_amount_{settlement.pk}") is not None
                    else {}
                ),
            }
            for settlement in self.settlements
            if data.get(f"refusal_{settlement.pk}")
        ]

    def service_fields(self, refusals: list[dict]) -> dict[str, str]:
        """Where the service's errors about the refusals go: each item's fields on its row."""
        fields = {}
        for position, item in enumerate(refusals):
            fields[f"rejected_settlements[{position}].code"] = f"refusal_{item['id']}"
            fields[f"rejected_settlements[{position}].reason"] = f"refusal_reason_{item['id']}"
            fields[f"rejected_settlements[{position}].id"] = f"refusal_{item['id']}"
            fields[f"rejected_settlements[{position}].amount"] = f"refusal_amount_{item['id']}"
        return fields


# The window's stay fields, named as everywhere else (the label table).
STAY_LABELS = {name: FIELDS[name] for name in STAY_FIELDS}


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


def correction_values(settlement) -> dict:
    """The window's fields filled in from a settlement the county sent back for correction: the
    clerk corrects what was wrong and settles the same stay again."""
    values = {"id_number": settlement.id_number, "name": settlement.name, "aid_type": settlement.aid_type}
    values["insured"] = "on" if settlement.insured else ""
    for name in STAY_LABELS:
        value = getattr(settlement, name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
    return values


def list_filters(params) -> tuple[str, str, str, str]:
    """(month, status, search, error) of the settlement list; a bad month is dropped with its error."""
    month, state, q = params.get("month", ""), params.get("status", ""), params.get("q", "").strip()
    error = ""
    try:
        if month:
            month_parse(month)
    except InputErrors as bad:
        error, month = bad.text(), ""
    return month, state if state in SettlementStatus.values else "", q, error


def window_body(post) -> dict:
    """The window form as the API's request body (INTERFACES section 8)."""
    return {
        "patient": {
            "id_number": post.get("id_number", "").strip(),
            "name": post.get("name", "").strip(),
            "insured": post.get("insured") == "on",
        },
        "aid_type": post.get("aid_type", ""),
        "stay": {key: post.get(key, "").strip() or None for key in STAY_FIELDS},
    }
