"""Forms of the case file outside the stages: filing (applicant, stays, members, documents) and withdrawal.
They only shape input; the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import FieldSet, Layout, Row

from aidflow.cases.choices import ApplicantRelationship, DocumentKind, Residence
from aidflow.policy.models import AidType, Category

# ISO dates whatever the language: a date input's value is always yyyy-mm-dd.
DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


class FilingForm(forms.Form):
    # The patient applies, or a guardian or an agent on the patient's behalf (seed 002 line ~1796).
    relationship = forms.ChoiceField(
        label=_("Who applies"),
        choices=ApplicantRelationship.choices,
        initial=ApplicantRelationship.SELF,
        required=False,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Applicant name"), max_length=50)
    id_number = forms.CharField(label=_("Patient's resident ID number"), max_length=18)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    patient_name = forms.CharField(
        label=_("Patient name (when a guardian or agent applies)"),
        max_length=50,
        required=False,
        # Required when shown: it shows only when a guardian or an agent applies (decision.js).
        widget=forms.TextInput(attrs={"data-show-for": "guardian agent", "required": True}),
    )
    applicant_id_number = forms.CharField(
        label=_("Applicant's own ID number (guardian or agent)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"data-show-for": "guardian agent", "required": True}),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, initial=Category.LOW_INCOME)
    aid_type = forms.ChoiceField(label=_("Aid type"), choices=AidType.choices, initial=AidType.MAJOR_DISEASE)
    severely_disabled = forms.BooleanField(label=_("Severely disabled (grade 1 or 2)"), required=False)
    seriously_ill = forms.BooleanField(label=_("Seriously ill"), required=False)
    # Radio buttons, not a checkbox: a form that says nothing about it means insured, as the API does.
    insured = forms.TypedChoiceField(
        label=_("Basic medical insurance"),
        choices=[("yes", _("Insured")), ("no", _("Not insured"))],
        coerce=lambda value: value == "yes",
        empty_value=True,
        required=False,
        initial="yes",
        widget=forms.RadioSelect,
    )
    household_size = forms.IntegerField(label=_("Household size"), min_value=1, max_value=50)
    household_monthly_income = forms.DecimalField(
        label=_("Household monthly income (yuan)"), min_value=0, decimal_places=2, max_digits=12
    )
    # Marked * like the other required fields (aidflow.css): a Material select's own "required" puts
    # aria-required on its button, which that role does not take.
    residence = forms.ChoiceField(
        label=_("Residence"), choices=Residence.choices, widget=forms.Select(attrs={"data-required": "true"})
    )
    # Where the aid is paid; may also be recorded later on the case page.
    payee_name = forms.CharField(label=_("Payee"), max_length=50, required=False)
    payee_bank = forms.CharField(label=_("Bank"), max_length=100, required=False)
    payee_account = forms.CharField(
        label=_("Account (惠民惠农一卡通)"), max_length=40, required=False, help_text=_("10-30 digits")
    )

    def __init__(self, *args, extra_categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        # County-defined categories of the policy that applies to the clerk's village.
        self.fields["category"].choices = [*Category.choices, *((c["code"], c["name"]) for c in extra_categories)]

    layout = Layout(
        FieldSet(
            _("Applicant"),
            Row("relationship"),
            Row("applicant_name", "id_number", "phone"),
            Row("patient_name", "applicant_id_number"),
        ),
        FieldSet(
            _("Aid applied for"),
            Row("category", "aid_type"),
            Row("severely_disabled", "seriously_ill", "insured"),
        ),
        FieldSet(_("Household"), Row("household_size", "household_monthly_income", "residence")),
        FieldSet(_("Where the aid is paid"), Row("payee_name", "payee_bank", "payee_account")),
    )


LEVELS = [("", _("Choose")), (1, _("Level 1")), (2, _("Level 2")), (3, _("Level 3"))]
MONEY = {"min_value": 0, "decimal_places": 2, "max_digits": 12}


class RowForm(forms.Form):
    """A row of the filing form, rendered by hand (templates/cases/_row_field.html) so rows can be
    added and removed on the page: a required field says so to screen readers, money fields bring
    up a number pad on a phone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            if field.required:
                attrs["aria-required"] = "true"
            if isinstance(field, forms.DecimalField):
                attrs.update(inputmode="decimal", autocomplete="off")
            if not isinstance(field.widget, forms.CheckboxInput):
                attrs.setdefault("class", "af-input")
            if name in self.described:
                attrs["aria-describedby"] = f"{self.auto_id % self.add_prefix(name)}-hint"


class StayForm(RowForm):
    described = ("hospital",)

    hospital = forms.CharField(
        label=_("Hospital"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "off", "data-hospital": ""})
    )
    # The designated hospital picked from the register (the hospital picker fills it); empty for a
    # name typed by hand, which the register is then searched for by name.
    hospital_code = forms.CharField(
        max_length=30, required=False, widget=forms.HiddenInput(attrs={"data-hospital-code": ""})
    )
    hospital_level = forms.TypedChoiceField(
        label=_("Hospital level"),
        # A blank first choice, so an untouched extra row stays empty and is skipped.
        choices=LEVELS,
        coerce=int,
        widget=forms.Select(attrs={"data-hospital-level": ""}),
    )
    admission_date = forms.DateField(label=_("Admission date"), widget=DATE)
    discharge_date = forms.DateField(label=_("Discharge date"), widget=DATE)
    total_cost = forms.DecimalField(label=_("Total cost"), **MONEY)
    eligible_cost = forms.DecimalField(label=_("Compliant cost"), **MONEY)
    basic_insurance = forms.DecimalField(label=_("Basic insurance paid"), **MONEY)
    serious_illness_insurance = forms.DecimalField(label=_("Serious-illness insurance paid"), **MONEY)
    other_insurance = forms.DecimalField(label=_("Other insurance paid"), required=False, **MONEY)
    charity = forms.DecimalField(label=_("Charity and social help"), required=False, **MONEY)
    hospital_reduction = forms.DecimalField(label=_("Hospital reduction"), required=False, **MONEY)
    emergency_fund = forms.DecimalField(label=_("Emergency medical assistance fund"), required=False, **MONEY)
    diagnosis = forms.CharField(label=_("Main discharge diagnosis"), max_length=200)
    icd10 = forms.CharField(label=_("ICD-10 code (optional)"), max_length=20, required=False)
    referral = forms.BooleanField(label=_("Referred to a higher-level or out-of-county hospital"), required=False)
    referral_number = forms.CharField(label=_("Referral number"), max_length=64, required=False)


class MemberForm(RowForm):
    described = ()

    name = forms.CharField(label=_("Name"), max_length=50)
    relation = forms.CharField(label=_("Relation to the applicant"), max_length=20)
    monthly_income = forms.DecimalField(label=_("Monthly income"), required=False, **MONEY)


class DocumentForm(RowForm):
    described = ()

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("Choose")), *DocumentKind.choices])
    # Required unless a file chosen before an error is kept for this row (`kept`); the template
    # renders the file input itself.
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"), required=False)
    # The signed token of that kept file (aidflow/cases/services/kept_uploads.py).
    kept = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not cleaned.get("file") and not cleaned.get("kept") and "file" not in self.errors:
            self.add_error("file", forms.Field.default_error_messages["required"])
        return cleaned


class RowFormSet(forms.BaseFormSet):
    """A formset whose rows the filing form adds and removes (filing.js), each row named in the
    error summary by `row_label` ("Stay 2"), with Chinese messages for too few and too many rows."""

    row_label = _("Row %(number)d")
    too_few = _("Fill in at least %(num)d row.")
    too_many = _("At most %(num)d rows.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.error_messages = {**self.error_messages, "too_few_forms": self.too_few, "too_many_forms": self.too_many}


class StayRows(RowFormSet):
    row_label = _("Stay %(number)d")
    too_few = _("Fill in at least one hospital stay.")
    too_many = _("An application holds at most %(num)d hospital stays.")

    def clean(self):
        # At least one stay, in whichever row: every row may be left empty (min_num would make the
        # first one required, whatever the others hold).
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise forms.ValidationError(self.too_few, code="too_few_forms")


class MemberRows(RowFormSet):
    row_label = _("Household member %(number)d")
    too_many = _("At most %(num)d household members.")


class DocumentRows(RowFormSet):
    row_label = _("Document %(number)d")
    too_many = _("An application holds at most %(num)d documents.")


# Rows shown without scripts: 3 stays, 2 members, 4 documents; with scripts rows are added and
# removed up to the limits (documents: the service's MAX_DOCUMENTS).
MAX_STAYS, MAX_MEMBERS, MAX_DOCUMENT_ROWS = 50, 20, 40
StayFormSet = forms.formset_factory(
    StayForm,
    formset=StayRows,
    extra=3,
    max_num=MAX_STAYS,
    validate_max=True,
    absolute_max=MAX_STAYS,
)
MemberFormSet = forms.formset_factory(
    MemberForm, formset=MemberRows, extra=2, max_num=MAX_MEMBERS, validate_max=True, absolute_max=MAX_MEMBERS
)
DocumentFormSet = forms.formset_factory(
    DocumentForm,
    formset=DocumentRows,
    extra=4,
    max_num=MAX_DOCUMENT_ROWS,
    validate_max=True,
    absolute_max=MAX_DOCUMENT_ROWS,
)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), widget=forms.Textarea(attrs={"rows": 2}))


class PayeeForm(forms.Form):
    """Where the aid is paid (惠民惠农一卡通); the service checks the account."""

    name = forms.CharField(label=_("Payee"), max_length=50)
    bank = forms.CharField(label=_("Bank"), max_length=100)
    account = forms.CharField(
        label=_("Account (惠民惠农一卡通)"),
        max_length=40,
        help_text=_("10-30 digits"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    # The service's paths for these fields.
    SERVICE_FIELDS = {"payee.name": "name", "payee.bank": "bank", "payee.account": "account"}

    layout = Layout(Row("name", "bank", "account"))
