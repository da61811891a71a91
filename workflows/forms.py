"""Forms of the medical-aid procedure: filing and each stage's decision. They only shape input; the
services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import Column, FieldSet, Layout, Row

from aidflow.cases.models import DeliveryMethod, DocumentKind, Residence
from aidflow.policy.models import AidType, Category

DATE = forms.DateInput(attrs={"type": "date"})


class FilingForm(forms.Form):
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.LOW_INCOME)
    aid_type = forms.ChoiceField(label=_("Aid type"), choices=AidType.choices, initial=AidType.MAJOR_DISEASE)
    severely_disabled = forms.BooleanField(label=_("Severely disabled (grade 1 or 2)"), required=False)
    seriously_ill = forms.BooleanField(label=_("Seriously ill"), required=False)
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=50)
    household_monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"), min_value=0, decimal_places=2, max_digits=12
    )
    residence = forms.ChoiceField(label=_("Residence"), choices=Residence.choices)

    layout = Layout(
        FieldSet(_("Applicant"), Row("applicant_name", "id_number", "phone")),
        FieldSet(_("Aid applied for"), Row("category", "aid_type"), Row("severely_disabled", "seriously_ill")),
        FieldSet(_("Household"), Row("household_size", "household_monthly_income", "residence")),
    )


class StayForm(forms.Form):
    hospital = forms.CharField(label=_("Hospital"), max_length=200)
    hospital_level = forms.TypedChoiceField(
        label=_("Hospital level"),
        # A blank first choice, so an untouched extra row stays empty and is skipped.
        choices=[("", "---------"), (1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))],
        coerce=int,
    )
    admission_date = forms.DateField(label=_("Admission date"), widget=DATE)
    discharge_date = forms.DateField(label=_("Discharge date"), widget=DATE)
    total_cost = forms.DecimalField(label=_("Total cost"), min_value=0, decimal_places=2, max_digits=12)
    eligible_cost = forms.DecimalField(label=_("Compliant cost"), min_value=0, decimal_places=2, max_digits=12)
    basic_insurance = forms.DecimalField(label=_("Basic insurance paid"), min_value=0, decimal_places=2, max_digits=12)
    serious_illness_insurance = forms.DecimalField(
        label=_("Serious-illness insurance paid"), min_value=0, decimal_places=2, max_digits=12
    )
    other_insurance = forms.DecimalField(
        label=_("Other insurance paid"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    charity = forms.DecimalField(
        label=_("Charity and social help"), min_value=0, decimal_places=2, max_digits=12, required=False
    )
    referral = forms.BooleanField(label=_("Referred to a higher-level or out-of-county hospital"), required=False)
    referral_number = forms.CharField(label=_("Referral number"), max_length=64, required=False)

    layout = Layout(
        Row(Column("hospital", desktop=6), "hospital_level", "admission_date", "discharge_date"),
        Row("total_cost", "eligible_cost", "basic_insurance"),
        Row("serious_illness_insurance", "other_insurance", "charity"),
        Row("referral", "referral_number"),
    )


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    relation = forms.CharField(label=_("Relation to the applicant"), max_length=20)
    monthly_income = forms.DecimalField(
        label=_("Monthly income"), min_value=0, decimal_places=2, max_digits=12, required=False
    )

    layout = Layout(Row("name", "relation", "monthly_income"))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", "---------"), *DocumentKind.choices])
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"))

    layout = Layout(Row(Column("kind", desktop=4), Column("file", desktop=8)))


StayFormSet = forms.formset_factory(StayForm, extra=2, min_num=1, validate_min=True, max_num=20)
MemberFormSet = forms.formset_factory(MemberForm, extra=2, max_num=20)
DocumentFormSet = forms.formset_factory(DocumentForm, extra=4, max_num=20)


class VillageCheckForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("forward", _("Materials are genuine: forward to the township")),
            ("return", _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    missing = forms.CharField(
        label=_("Missing materials (one per line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class TownshipReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("forward", _("Eligible: forward to the county")),
            ("reject", _("Not eligible: refuse with reasons")),
            ("return", _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    visit_date = forms.DateField(label=_("Home visit date"), widget=DATE)
    visitors = forms.CharField(label=_("Visited by"), max_length=200)
    findings = forms.CharField(label=_("Findings of the home visit"), widget=forms.Textarea(attrs={"rows": 4}))
    reasons = forms.CharField(
        label=_("Reasons (required to refuse or return)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    missing = forms.CharField(
        label=_("Missing materials (one per line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CountyApprovalForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("approve", _("Approve")),
            ("reject", _("Refuse with reasons")),
            ("return", _("Return for missing materials")),
        ],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(
        label=_("Amount (leave empty for the computed amount)"),
        min_value=0,
        decimal_places=2,
        max_digits=12,
        required=False,
    )
    override_reason = forms.CharField(
        label=_("Reason for a lower amount"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    reasons = forms.CharField(
        label=_("Reasons (required to refuse or return)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    missing = forms.CharField(
        label=_("Missing materials (one per line)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SupplementForm(forms.Form):
    note = forms.CharField(label=_("What was supplied"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Document kind"), choices=DocumentKind.choices, required=False)
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


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2}))


STAGE_FORMS = {
    "village_check": VillageCheckForm,
    "township_review": TownshipReviewForm,
    "county_approval": CountyApprovalForm,
    "supplement": SupplementForm,
    "notice_delivery": DeliveryForm,
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
    return form_class(data, files, initial=initial)


def stage_payload(stage: str, cleaned: dict, changed: list[str] | None = None) -> dict:
    """Turn a stage form's cleaned data into the service payload (the API's shape)."""
    payload = {}
    household_fields = SupplementForm.HOUSEHOLD_FIELDS if stage == "supplement" else {}
    household = {
        household_fields[key]: str(value) if key == "household_monthly_income" else value
        for key, value in cleaned.items()
        if key in household_fields and key in (changed or []) and value not in (None, "")
    }
    if household:
        payload["household"] = household
    for key, value in cleaned.items():
        if key in ("kind", "file") or key in household_fields:
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
