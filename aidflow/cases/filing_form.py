"""The filing form and the filing request: the forms (applicant, stays, members, documents) into the
request of INTERFACES section 4, and the service's errors back onto the fields and rows they name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from aidflow.cases.forms import DocumentFormSet, FilingForm, MemberFormSet, StayForm, StayFormSet, StayRows
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.kept_uploads import kept_describe, kept_discard, upload_kept, uploads_keep
from aidflow.core.errors import InputErrors
from aidflow.core.formerrors import add_service_errors, error_entries
from aidflow.core.labels import field_label

# The service's paths of the applicant form's fields.
SERVICE_FIELD_TO_FORM = {
    "applicant.name": "applicant_name",
    "applicant.phone": "phone",
    "applicant.id_number": "id_number",
    "applicant.relationship": "relationship",
    "patient.name": "patient_name",
    "patient.id_number": "id_number",
    "patient.severely_disabled": "severely_disabled",
    "patient.seriously_ill": "seriously_ill",
    "patient.insured": "insured",
    "household.size": "household_size",
    "household.monthly_income": "household_monthly_income",
    "household.residence": "residence",
    "payee.name": "payee_name",
    "payee.bank": "payee_bank",
    "payee.account": "payee_account",
    "category": "category",
    "aid_type": "aid_type",
}
# "stays[2].admission_date", "household.members[0].name", "documents[1].file", "stays[0]"
ROW_PATH = re.compile(r"^(stays|household\.members|documents)\[(\d+)\](?:\.(\w+))?$")


@dataclass
class FilledRows:
    """Which form row each item of the request came from: blank rows are left out of the request,
    so stays[1] of the request may be the third row of the form."""

    stays: list[int] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)


def _filled(formset) -> list[int]:
    return [index for index, row in enumerate(formset.forms) if row.is_valid() and row.cleaned_data]


def _stay(data: dict) -> dict:
    return {
        "hospital": data["hospital"],
        "hospital_code": data.get("hospital_code") or "",
        "hospital_level": data["hospital_level"],
        "admission_date": data["admission_date"].isoformat(),
        "discharge_date": data["discharge_date"].isoformat(),
        "total_cost": str(data["total_cost"]),
        "eligible_cost": str(data["eligible_cost"]),
        "basic_insurance": str(data["basic_insurance"]),
        "serious_illness_insurance": str(data["serious_illness_insurance"]),
        "other_insurance": str(data.get("other_insurance") or "0.00"),
        "charity": str(data.get("charity") or "0.00"),
        "hospital_reduction": str(data.get("hospital_reduction") or "0.00"),
        "emergency_fund": str(data.get("emergency_fund") or "0.00"),
        "diagnosis": data["diagnosis"],
        "icd10": data.get("icd10") or None,
        "referral": bool(data.get("referral")),
        "referral_number": data.get("referral_number") or None,
    }


def filing_data(form, stays, members, documents=None) -> tuple[dict, FilledRows]:
    """The filing request (INTERFACES section 4 shape) from the filing forms, and the rows it came from."""
    cleaned = form.cleaned_data
    rows = FilledRows(_filled(stays), _filled(members), _filled(documents) if documents is not None else [])
    member_rows = [
        {
            "name": members.forms[index].cleaned_data["name"],
            "relation": members.forms[index].cleaned_data["relation"],
            "monthly_income": str(members.forms[index].cleaned_data.get("monthly_income") or "0.00"),
        }
        for index in rows.members
    ]
    relationship = cleaned.get("relationship") or "self"
    applicant = {"name": cleaned["applicant_name"], "id_number": cleaned["id_number"], "phone": cleaned["phone"]}
    patient = {
        "id_number": cleaned["id_number"],
        "severely_disabled": cleaned["severely_disabled"],
        "seriously_ill": cleaned["seriously_ill"],
        "insured": cleaned["insured"] is not False,
    }
    if relationship != "self":
        # On the patient's behalf: the ID number above is the patient's, the applicant gives their own.
        applicant.update(relationship=relationship, id_number=cleaned.get("applicant_id_number") or "")
        patient["name"] = cleaned.get("patient_name") or ""
    data = {
        "applicant": applicant,
        "category": cleaned["category"],
        "aid_type": cleaned["aid_type"],
        "patient": patient,
        "household": {
            "size": cleaned["household_size"],
            "monthly_income": str(cleaned["household_monthly_income"]),
            "residence": cleaned["residence"],
            "members": member_rows,
        },
        "stays": [_stay(stays.forms[index].cleaned_data) for index in rows.stays],
    }
    if cleaned.get("payee_account"):
        data["payee"] = {
            "name": cleaned.get("payee_name") or None,
            "bank": cleaned.get("payee_bank") or None,
            "account": cleaned.get("payee_account"),
        }
    return data, rows


def _row_form(formset, filled: list[int], index: int):
    return formset.forms[filled[index]] if index < len(filled) else None


def filing_errors(errors: dict, *, form, stays, members, documents, rows: FilledRows) -> None:
    """Show the service's errors beside the fields and rows they name; the rest on the form itself."""
    on_behalf = (form.cleaned_data.get("relationship") or "self") != "self"
    fields = dict(SERVICE_FIELD_TO_FORM)
    if on_behalf:
        # On the patient's behalf the applicant's own ID number is a field of its own.
        fields["applicant.id_number"] = "applicant_id_number"
    for path, messages in errors.items():
        match = ROW_PATH.match(path)
        target = None
        if match:
            kind, index, name = match.group(1), int(match.group(2)), match.group(3)
            formset, filled = {
                "stays": (stays, rows.stays),
                "household.members": (members, rows.members),
                "documents": (documents, rows.documents),
            }[kind]
            target = _row_form(formset, filled, index)
        if target is not None:
            # On the field the path names (a picked hospital's code: its name), or on the row as a whole.
            add_service_errors(target, {name or "": messages}, {"hospital_code": "hospital"})
        elif path in fields:
            add_service_errors(form, {path: messages}, fields)
        else:
            add_service_errors(form, {path: messages}, {})


def preview_errors(form, stays) -> list[dict]:
    """The form's errors for the preview, as the error summary lists them: {"target", "label", "message"}."""
    return error_entries(form, stays)


def rows_of(error, form, rows: FilledRows) -> dict:
    """A service's answer to the preview: its messages by path, those of stays by form row (the
    conflict shown beside its stay), and each as the summary lists it."""
    by_row: dict[str, list[str]] = {}
    entries = []
    for path, messages in error.errors.items():
        match = ROW_PATH.match(path)
        label = ""
        if match and match.group(1) == "stays" and int(match.group(2)) < len(rows.stays):
            row = rows.stays[int(match.group(2))]
            by_row.setdefault(str(row), []).extend(str(message) for message in messages)
            label = str(StayRows.row_label) % {"number": row + 1}
            name = match.group(3)
            if name in StayForm.base_fields and StayForm.base_fields[name].label:
                label = _("%(row)s: %(label)s") % {"row": label, "label": StayForm.base_fields[name].label}
        elif path in SERVICE_FIELD_TO_FORM and SERVICE_FIELD_TO_FORM[path] in form.fields:
            label = str(form.fields[SERVICE_FIELD_TO_FORM[path]].label)
        elif path:
            label = field_label(path)
        entries.extend({"target": "", "label": label, "message": str(message)} for message in messages)
    return {"errors": error.errors, "stays": by_row, "entries": entries}


class FilingForms:
    """The filing page's four forms bound together. A file chosen in a document row is kept when the
    page comes back with an error (aidflow/cases/services/kept_uploads.py), so it is not chosen again."""

    def __init__(self, data=None, files=None, *, user, extra_categories=()):
        self.user = user
        # A copy the page may write the kept files' tokens into.
        data = data.copy() if data is not None else None
        self.form = FilingForm(data, extra_categories=extra_categories)
        self.stays = StayFormSet(data, prefix="stays")
        self.members = MemberFormSet(data, prefix="members")
        self.documents = DocumentFormSet(data, files, prefix="documents")
        self.kept_files: dict[int, object] = {}

    def by_name(self) -> dict:
        return {"form": self.form, "stays": self.stays, "members": self.members, "documents": self.documents}

    def _chosen(self, row) -> object | None:
        return self.documents.files.get(row.add_prefix("file")) if self.documents.is_bound else None

    def is_valid(self) -> bool:
        valid = all([self.form.is_valid(), self.stays.is_valid(), self.members.is_valid(), self.documents.is_valid()])
        if not valid:
            return False
        # A row without a new file uses the file kept from the last attempt, if it is still there.
        for index, row in enumerate(self.documents.forms):
            token = row.cleaned_data.get("kept") if row.cleaned_data else ""
            if token and not row.cleaned_data.get("file"):
                try:
                    self.kept_files[index] = upload_kept(user=self.user, token=token)
                except InputErrors as error:
                    row.add_error("file", error.errors["file"])
                    self._forget(row)
                    valid = False
        return valid

    def uploads(self, rows: FilledRows) -> list[UploadedDocument]:
        """The filled document rows with their files, new or kept, in the order of the request."""
        return [
            UploadedDocument(
                self.documents.forms[index].cleaned_data["kind"],
                self.documents.forms[index].cleaned_data.get("file") or self.kept_files[index],
            )
            for index in rows.documents
        ]

    def _forget(self, row) -> None:
        self.documents.data[row.add_prefix("kept")] = ""

    def _tokens(self) -> list[str]:
        if not self.documents.is_bound:
            return []
        return [self.documents.data.get(row.add_prefix("kept")) or "" for row in self.documents.forms]

    def keep_files(self) -> None:
        """Before the page is shown again with its errors: keep every newly chosen file that passes
        the content check (a file that does not says why beside it), replacing the row's earlier one."""
        if not self.documents.is_bound:
            return
        chosen = {}
        for index, row in enumerate(self.documents.forms):
            upload = self._chosen(row)
            if upload is not None and not row.errors.get("file"):
                chosen[index] = UploadedDocument(row.data.get(row.add_prefix("kind")) or "", upload)
        kept, errors = uploads_keep(user=self.user, uploads=chosen)
        for index, row in enumerate(self.documents.forms):
            earlier = self.documents.data.get(row.add_prefix("kept")) or ""
            if index in kept:
                kept_discard(user=self.user, tokens=[earlier])
                self.documents.data[row.add_prefix("kept")] = kept[index].token
            elif index in errors:
                row.add_error("file", errors[index])

    def kept_file(self, row):
        """The file kept for a row (name and size), for the page to show."""
        token = self.documents.data.get(row.add_prefix("kept")) if self.documents.is_bound else ""
        return kept_describe(user=self.user, token=token) if token else None

    def discard_kept(self) -> None:
        """Once filed: the kept files are in the application now, or no longer wanted."""
        kept_discard(user=self.user, tokens=self._tokens())

    def files_note(self) -> str:
        """A line for the error summary about the chosen files."""
        if any(self.kept_file(row) for row in self.documents.forms):
            return _("The files you chose are kept: they need not be chosen again.")
        return ""
