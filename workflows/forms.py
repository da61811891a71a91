"""Forms of the procedure's stages, one per decision. They only shape input; the services decide what is valid."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import Layout, Row, Span

from aidflow.cases.choices import FILED_DOCUMENT_CHOICES, DeliveryMethod, Residence
from aidflow.regions.stages import Stage
from workflows.models import Route

DATE = forms.DateInput(attrs={"type": "date"})


class VillageCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Route.FORWARD, _("Materials are genuine: forward to the township")),
            (Route.RETURN, _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    missing = forms.CharField(
        label=_("Missing materials (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2, "data-show-for": Route.RETURN}),
        required=False,
    )
    # A material found at the check, e.g. the category certificate where the county keeps no roll.
    kind = forms.ChoiceField(label=_("Add a document: kind"), choices=FILED_DOCUMENT_CHOICES, required=False)
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False)

    # The document's kind and file side by side, as on the filing form.
    # (Each field in a row of its own: decision.js hides a field's whole grid cell.)
    layout = Layout(
        Row("decision"), Row("findings"), Row("missing"), Row(Span("kind", desktop=4), Span("file", desktop=8))
    )


class TownshipReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Route.FORWARD, _("Eligible: forward to the county")),
            (Route.REJECT, _("Not eligible: tell the applicant why in writing")),
            (Route.RETURN, _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    visit_date = forms.DateField(label=_("Home visit date"), widget=DATE)
    visitors = forms.CharField(label=_("Visited by"), max_length=200)
    findings = forms.CharField(label=_("Findings of the home visit"), widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(
        label=_("Reasons (required to refuse or return)"),
        widget=forms.Textarea(attrs={"rows": 2, "data-show-for": f"{Route.REJECT} {Route.RETURN}"}),
        required=False,
    )
    missing = forms.CharField(
        label=_("Missing materials (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2, "data-show-for": Route.RETURN}),
        required=False,
    )


EXCLUSION_ROWS = 3
# One finding a line on a desktop: which stay, how much, why (one field a line on a phone).
EXCLUSION_LAYOUT = [
    Row(
        Span(f"excluded_stay_{row}", desktop=4),
        Span(f"excluded_amount_{row}", desktop=3),
        Span(f"excluded_reason_{row}", desktop=5),
    )
    for row in range(1, EXCLUSION_ROWS + 1)
]


class CountyApprovalForm(forms.Form):
    """The county's decision. The award is the computed amount (seed 002 line ~1784: "不低于70%" is a
    floor): what the county finds non-compliant on review is recorded as excluded costs, one row per
    finding, and the amount is computed again without them."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Route.APPROVE, _("Approve at the computed amount")),
            (Route.REJECT, _("Refuse with reasons")),
            (Route.RETURN, _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (required to refuse or return)"),
        widget=forms.Textarea(attrs={"rows": 2, "data-show-for": f"{Route.REJECT} {Route.RETURN}"}),
        required=False,
    )
    missing = forms.CharField(
        label=_("Missing materials (one per line)"),
        widget=forms.Textarea(attrs={"rows": 2, "data-show-for": Route.RETURN}),
        required=False,
    )

    layout = Layout(Row("decision"), Row("reasons"), Row("missing"), *EXCLUSION_LAYOUT)

    def __init__(self, *args, stays=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("- no exclusion -"))] + [
            (
                str(stay.index),
                _("Stay %(number)d: %(hospital)s, compliant %(cost)s")
                % {"number": stay.index + 1, "hospital": stay.hospital, "cost": stay.eligible_cost},
            )
            for stay in stays
        ]
        for row in range(1, EXCLUSION_ROWS + 1):
            shown = {"data-show-for": Route.APPROVE}
            self.fields[f"excluded_stay_{row}"] = forms.ChoiceField(
                label=_("Non-compliant costs found: stay (%(row)d)") % {"row": row},
                choices=choices,
                required=False,
                widget=forms.Select(attrs=shown),
            )
            self.fields[f"excluded_amount_{row}"] = forms.DecimalField(
                label=_("Amount excluded (yuan)"),
                min_value=0,
                decimal_places=2,
                max_digits=12,
                required=False,
                widget=forms.NumberInput(attrs=shown),
            )
            self.fields[f"excluded_reason_{row}"] = forms.CharField(
                label=_("Why it is not compliant"), max_length=500, required=False, widget=forms.TextInput(attrs=shown)
            )


EXCLUSION_PATH = re.compile(r"^excluded_costs\[(?P<index>[0-9]+)\]\.(?P<field>stay|amount|reason)$")


def exclusion_fields(errors: dict) -> dict[str, str]:
    """The form field of each `excluded_costs[i].field` error: the i+1-th row's field."""
    fields = {}
    for path in errors:
        match = EXCLUSION_PATH.match(path)
        if match:
            fields[path] = f"excluded_{match['field']}_{int(match['index']) + 1}"
    return fields


def excluded_costs_of(cleaned: dict) -> list[dict]:
    """The exclusion rows of a county decision that were filled in, as the service's `excluded_costs`;
    a half-filled row goes to the service as it is, which names the missing part."""
    rows = []
    for row in range(1, EXCLUSION_ROWS + 1):
        stay = cleaned.get(f"excluded_stay_{row}")
        amount = cleaned.get(f"excluded_amount_{row}")
        reason = cleaned.get(f"excluded_reason_{row}") or ""
        if stay in (None, "") and amount is None and not reason:
            continue
        rows.append(
            {
                "stay": int(stay) if stay not in (None, "") else None,
                "amount": str(amount) if amount is not None else None,
                "reason": reason,
            }
        )
    return rows


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("What was supplied"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Document kind"), choices=FILED_DOCUMENT_CHOICES, required=False)
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG)"), required=False)
    # Corrections found with the missing materials; changing them recalculates the amount.
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=50, required=False)
    household_monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    residence = forms.ChoiceField(label=_("Residence"), choices=Residence.choices, required=False)

    HOUSEHOLD_FIELDS = {
        "household_size": "size",
        "household_monthly_income": "monthly_income",
        "residence": "residence",
    }


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    method = forms.ChoiceField(label=_("Method"), choices=DeliveryMethod.choices, widget=forms.RadioSelect)
    recipient = forms.CharField(label=_("Received by"), max_length=100)


STAGE_FORMS = {
    Stage.VILLAGE_CHECK: VillageCheckForm,
    Stage.TOWNSHIP_REVIEW: TownshipReviewForm,
    Stage.COUNTY_APPROVAL: CountyApprovalForm,
    Stage.SUPPLEMENT: SupplementForm,
    Stage.NOTICE_DELIVERY: DeliveryForm,
}


def stage_form(application, data=None, files=None):
    """The form of the application's current stage, with the household prefilled for a supplement."""
    form_class = STAGE_FORMS[application.stage]
    initial = {}
    if form_class is SupplementForm:
        initial = {
            "household_size": application.household_size,
            "household_monthly_income": application.household_monthly_income,
            "residence": application.residence,
        }
    if form_class is CountyApprovalForm:
        return form_class(data, files, initial=initial, stays=application.stays.all())
    return form_class(data, files, initial=initial)


def stage_payload(stage: str, cleaned: dict, changed: list[str] | None = None) -> dict:
    """Turn a stage form's cleaned data into the service payload (the API's shape)."""
    payload = {}
    household_fields = SupplementForm.HOUSEHOLD_FIELDS if stage == Stage.SUPPLEMENT else {}
    household = {
        household_fields[key]: str(value) if key == "household_monthly_income" else value
        for key, value in cleaned.items()
        if key in household_fields and key in (changed or []) and value not in (None, "")
    }
    if household:
        payload["household"] = household
    excluded_rows = [key for key in cleaned if key.startswith("excluded_")]
    if excluded_rows:
        rows = excluded_costs_of(cleaned)
        if rows and cleaned.get("decision") == Route.APPROVE:
            payload["excluded_costs"] = rows
    for key, value in cleaned.items():
        if key in ("kind", "file") or key in household_fields or key in excluded_rows:
            continue
        if key == "missing":
            value = [line.strip() for line in (value or "").splitlines() if line.strip()]
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        elif value is not None and key == "amount":
            value = str(value)
        if value in (None, ""):
            continue
        payload[key] = value
    return payload
