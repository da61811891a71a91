"""Forms of the case file outside the stages: filing (applicant, stays, members, documents) and withdrawal.
They only shape input; the services decide what is valid."""

from django import forms
from django.utils.translation import gettext_lazy as _
from viewflow.forms.renderers import Column, FieldSet, Layout, Row

from aidflow.cases.choices import ApplicantRelationship, DocumentKind, Residence
from aidflow.policy.models import AidType, Category

DATE = forms.DateInput(attrs={"type": "date"})


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
        widget=forms.TextInput(attrs={"data-show-for": "guardian agent"}),
    )
    applicant_id_number = forms.CharField(
        label=_("Applicant's own resident ID number (guardian or agent)"),
        max_length=18,
        required=False,
        widget=forms.TextInput(attrs={"data-show-for": "guardian agent"}),
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
    residence = forms.ChoiceField(label=_("Residence"), choices=Residence.choices)
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
    diagnosis = forms.CharField(label=_("Main discharge diagnosis"), max_length=200)
    icd10 = forms.CharField(label=_("ICD-10 code (optional)"), max_length=20, required=False)
    referral = forms.BooleanField(label=_("Referred to a higher-level or out-of-county hospital"), required=False)
    referral_number = forms.CharField(label=_("Referral number"), max_length=64, required=False)

    layout = Layout(
        Row(Column("hospital", desktop=6), "hospital_level", "admission_date", "discharge_date"),
        Row(Column("diagnosis", desktop=8), "icd10"),
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
