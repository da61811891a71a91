"""Filing: the village clerk files an application for a villager, and the procedure starts."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.services import audit_record_many
from aidflow.calendars.services import due_date
from aidflow.cases.choices import ApplicantRelationship, StageAction
from aidflow.cases.models import Application, ApplicationCounter, HospitalStay, HouseholdMember, StageRecord
from aidflow.cases.services.calculation import (
    calculation_input_of,
    calculation_store,
    category_error,
    declared_categories,
    person_history,
    request_gates,
)
from aidflow.cases.services.claims import claims_check, claims_check_request, claims_take, stay_keys
from aidflow.cases.services.clocks import clock_open
from aidflow.cases.services.documents import (
    UploadedDocument,
    document_audit_entries,
    documents_check,
    documents_store,
)
from aidflow.cases.services.gates import GateResult, roll_categories_during
from aidflow.cases.services.payees import payee_read
from aidflow.core.errors import ActionForbidden, InputErrors
from aidflow.core.fields import FieldReader
from aidflow.core.identity import parse_resident_id
from aidflow.core.numbering import take_next
from aidflow.notify.models import MessageKind
from aidflow.notify.services import message_queue
from aidflow.notify.status import status_code_new
from aidflow.policy.calculator import calculate
from aidflow.policy.requests import medical_year, parse_request
from aidflow.policy.services import policy_select, policy_terms
from aidflow.regions.codes import county_of
from aidflow.regions.models import Level, Region, Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.regions.stages import Stage, stage_rule
from workflows.medical_aid import MedicalAidFlow


def stays_store(application: Application, stays, referrals: list[tuple[bool, str]] | None = None) -> None:
    """The hospital stays of a parsed request, with the referral flag and number recorded at filing."""
    referrals = referrals or []
    HospitalStay.objects.bulk_create(
        HospitalStay(
            application=application,
            index=index,
            hospital=stay.hospital,
            hospital_level=stay.hospital_level,
            admission_date=stay.admission_date,
            discharge_date=stay.discharge_date,
            total_cost=stay.total_cost,
            eligible_cost=stay.eligible_cost,
            basic_insurance=stay.basic_insurance,
            serious_illness_insurance=stay.serious_illness_insurance,
            other_insurance=stay.other_insurance,
            charity=stay.charity,
            hospital_reduction=stay.hospital_reduction,
            emergency_fund=stay.emergency_fund,
            referral=referrals[index][0] if index < len(referrals) else False,
            referral_number=referrals[index][1] if index < len(referrals) else "",
            diagnosis=stay.diagnosis,
            icd10=stay.icd10,
            hospital_code=stay.hospital_code,
        )
        for index, stay in enumerate(stays)
    )


def _next_number(county_code: str, year: int) -> str:
    """`<county code>-<year>-<5-digit sequence>`, unique and gap-free per county and year."""
    return f"{county_code}-{year}-{take_next(ApplicationCounter, county_code=county_code, year=year):05d}"


def _read_applicant(data: dict, reader: FieldReader, today) -> dict:
    """The applicant: the patient, or the patient's guardian or agent (seed 002 line ~1796,
    "患者本人或其监护人"), who then gives their own ID number and the patient's name."""
    applicant = reader.obj(data, "applicant", "applicant")
    name = reader.text(applicant, "name", "applicant.name", max_length=50) if applicant else None
    phone = reader.text(applicant, "phone", "applicant.phone", required=False, max_length=20) if applicant else None
    if phone and not phone.replace("-", "").replace(" ", "").isdigit():
        reader.error("applicant.phone", _("A phone number has digits only."))
    relationship = ApplicantRelationship.SELF
    if applicant and applicant.get("relationship") not in (None, ""):
        relationship = (
            reader.choice(applicant, "relationship", "applicant.relationship", ApplicantRelationship.values)
            or ApplicantRelationship.SELF
        )
    patient = data.get("patient") if isinstance(data.get("patient"), dict) else {}
    result = {"name": name, "phone": phone or "", "relationship": relationship, "id_number": "", "patient_name": ""}
    if relationship == ApplicantRelationship.SELF:
        if (
            applicant
            and applicant.get("id_number")
            and patient.get("id_number") not in (None, applicant.get("id_number"))
        ):
            reader.error("applicant.id_number", _("The applicant and the patient have different ID numbers."))
        return result
    # On the patient's behalf: the patient is another person, named; the applicant's own ID is kept.
    result["patient_name"] = reader.text(patient, "name", "patient.name", max_length=50) if patient else None
    if patient and not patient.get("id_number"):
        reader.error("patient.id_number", _("Give the patient's ID number."))
    raw_id = reader.text(applicant, "id_number", "applicant.id_number", max_length=18) if applicant else None
    if raw_id:
        try:
            result["id_number"] = parse_resident_id(raw_id, today=today).number
        except ValidationError as error:
            reader.error("applicant.id_number", " ".join(error.messages))
        else:
            if result["id_number"] == str(patient.get("id_number") or "").strip().upper():
                reader.error(
                    "applicant.id_number",
                    _("A guardian or agent is another person than the patient: give the applicant's own ID number."),
                )
    return result


def filing_date_check(filing_date, version, today, reader: FieldReader) -> None:
    """The filing date is the day the village received the application (INTERFACES section 11): not
    so early that the village check would already be overdue today."""
    limit = (version.stage_limits if version else {}).get(Stage.VILLAGE_CHECK)
    if not limit or filing_date >= today:
        return
    due = due_date(received=filing_date, days=limit["days"], counting=limit["counting"]).date
    if due < today:
        reader.error(
            "filing_date",
            _(
                "The filing date is the day the village committee received the application. Received on "
                "%(filed)s, its check was due by %(due)s: a later date cannot be entered as an earlier one."
            )
            % {"filed": filing_date.isoformat(), "due": due.isoformat()},
        )


def _read_members(data: dict, reader: FieldReader) -> list[dict]:
    household = data.get("household") if isinstance(data.get("household"), dict) else {}
    raw = household.get("members")
    if raw is None:
        return []
    if not isinstance(raw, list):
        reader.error("household.members", _("Must be a list."))
        return []
    members = []
    for index, member in enumerate(raw):
        path = f"household.members[{index}]"
        if not isinstance(member, dict):
            reader.error(path, _("Must be an object."))
            continue
        name = reader.text(member, "name", f"{path}.name", max_length=50)
        relation = reader.text(member, "relation", f"{path}.relation", max_length=20)
        income = reader.money(member, "monthly_income", f"{path}.monthly_income", required=False)
        members.append({"name": name, "relation": relation, "monthly_income": income or Decimal("0.00")})
    return members


def _read_referrals(data: dict, reader: FieldReader) -> list[tuple[bool, str]]:
    referrals = []
    for index, stay in enumerate(data["stays"] if isinstance(data.get("stays"), list) else []):
        if isinstance(stay, dict):
            referral = reader.boolean(stay, "referral", f"stays[{index}].referral", default=False)
            number = reader.text(
                stay, "referral_number", f"stays[{index}].referral_number", required=False, max_length=64
            )
            referrals.append((bool(referral), number or ""))
    return referrals


def diagnoses_check(raw_stays: object, reader: FieldReader) -> None:
    """Filings name the main discharge diagnosis of every stay (cases are filed per disease)."""
    for index, stay in enumerate(raw_stays if isinstance(raw_stays, list) else []):
        if isinstance(stay, dict) and stay.get("diagnosis") in (None, ""):
            reader.error(f"stays[{index}].diagnosis", _("This field is required."))


def _category_check(request, version, village, reader: FieldReader) -> GateResult | None:
    """The category against the policy, and the stays against the rolls, the register and the
    referrals: a key-recipient category counts for the stays during which the person was on that
    roll (INTERFACES section 11); with none of them on it, the category is refused."""
    error = category_error(request.category, version)
    if error:
        reader.error("category", error)
        return None
    result = request_gates(request, version)
    if result.roll_checked and not result.on_roll_somewhere:
        listed = roll_categories_during(id_number=request.patient.number, region=village.code, stays=request.stays)
        reader.error(
            "category",
            _(
                "During none of the stays was this person on the county's roll as %(category)s (the roll lists "
                "them as: %(rolls)s). The roll, not the application, decides a key recipient's category."
            )
            % {
                "category": version.category_name(request.category) if version else request.category,
                "rolls": "、".join(listed) or _("none"),
            },
        )
    return result


def _with_defaults(data: dict, today) -> dict:
    """The request with today's filing date when none is given, and the applicant's ID as the patient's."""
    data = dict(data)
    if data.get("filing_date") in (None, ""):
        data["filing_date"] = today.isoformat()
    # The applicant is the patient: the ID number may be given in either place.
    applicant_raw = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    if isinstance(data.get("patient"), dict):
        data["patient"] = dict(data["patient"])
    elif data.get("patient") is None:
        data["patient"] = {}
    applies_for_self = applicant_raw.get("relationship") in (None, "", ApplicantRelationship.SELF)
    if (
        applies_for_self
        and isinstance(data["patient"], dict)
        and not data["patient"].get("id_number")
        and applicant_raw.get("id_number")
    ):
        data["patient"]["id_number"] = applicant_raw["id_number"]
    return data


def application_file(*, user, data: dict, documents: list[UploadedDocument] | None = None) -> Application:
    """File an application for a villager (the village clerk) and start the procedure.

    `data` is the calculation request of INTERFACES section 4 without `history`, with `region` the
    village code, plus `applicant` {name, id_number, phone} and optional `household.members`.
    """
    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only a village clerk files applications."))
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    documents = documents or []
    today = timezone.localdate()
    data = _with_defaults(data, today)

    reader = FieldReader()
    applicant = _read_applicant(data, reader, today)
    payee = payee_read(data, reader)
    members = _read_members(data, reader)
    documents_check(documents, reader)
    try:
        request = parse_request(
            calculation_input_of(data), today=today, extra_categories=declared_categories(data, today)
        )
    except InputErrors as error:
        for key, messages in error.errors.items():
            for message in messages:
                reader.error(key, message)
        request = None
    referrals = _read_referrals(data, reader)
    diagnoses_check(data.get("stays"), reader)
    village = None
    if request is not None:
        # With its township and county: the flow's first task is granted on the village, its notices
        # name them.
        village = Region.objects.select_related("parent__parent__parent").filter(code=request.region).first()
        if village is None or village.level != Level.VILLAGE:
            reader.error("region", _("Region %(code)s is not a known village.") % {"code": request.region})
        elif not in_scope(user, village.code, [stage_rule(Stage.VILLAGE_CHECK).permission]):
            raise ActionForbidden(_("You file applications for your own village only."))
    reader.raise_if_any()

    version = policy_select(region_code=village.code, filing_date=request.filing_date)
    filing_date_check(request.filing_date, version, today, reader)
    gated = _category_check(request, version, village, reader)
    reader.raise_if_any()
    keys = stay_keys(request.stays)
    claims_check_request(request.stays, keys)
    claims_check(id_number=request.patient.number, stays=request.stays, keys=keys)
    year = medical_year(request)
    history = person_history(
        id_number=request.patient.number,
        aid_type=request.aid_type,
        year=year,
        version=version,
        category=request.category,
    )
    result = calculate(request, policy_terms(version) if version else None, history, gated.gates)
    stored_input = calculation_input_of(data)
    stored_input["patient"]["id_number"] = request.patient.number
    stored_input["region"] = village.code

    with transaction.atomic():
        application = Application(
            number=_next_number(county_of(village.code), request.filing_date.year),
            village=village,
            applicant_name=applicant["name"],
            applicant_relationship=applicant["relationship"],
            applicant_id_number=applicant["id_number"],
            patient_name=applicant["patient_name"] or "",
            id_number=request.patient.number,
            phone=applicant["phone"],
            sex=request.patient.sex,
            birth_date=request.patient.birth_date,
            severely_disabled=request.severely_disabled,
            seriously_ill=request.seriously_ill,
            insured=request.insured,
            roll_checked=gated.roll_checked,
            household_size=request.household_size,
            household_monthly_income=request.monthly_income,
            residence=request.residence,
            category=request.category,
            aid_type=request.aid_type,
            filing_date=request.filing_date,
            filed_by=user,
            policy=version,
            calculation_input=stored_input,
            medical_year=year,
            stage=Stage.VILLAGE_CHECK,
            status_code=status_code_new(),
        )
        if payee:
            application.payee_name, application.payee_bank = payee["name"], payee["bank"]
            application.payee_account = payee["account"]
        calculation_store(application, result)
        application.save()
        HouseholdMember.objects.bulk_create(HouseholdMember(application=application, **member) for member in members)
        stays_store(application, request.stays, referrals)
        claims_take(application=application, stays=request.stays, keys=keys)
        stored = documents_store(application=application, documents=documents, user=user, stage=Stage.VILLAGE_CHECK)
        StageRecord.objects.create(
            application=application, stage=Stage.VILLAGE_CHECK, action=StageAction.FILED, actor=user
        )
        MedicalAidFlow.start.run(application=application)
        clock_open(application, timezone.now(), application.process.opened_task)
        application.save(update_fields=["process", "stage_received_at", "stage_due_date", "stage_due_provisional"])
        # Audit last: the chain's lock is then held only for the rest of the commit. The filing and
        # its documents go into the chain under one take of the lock.
        filed = {
            "number": application.number,
            "category": application.category,
            "aid_type": application.aid_type,
            "policy": version.code if version else None,
            "computed_amount": application.calculation["amount"],
            "eligible": result.eligible,
            "reasons": result.reason_codes,
            "stays": len(request.stays),
        }
        if application.on_behalf:
            filed["relationship"] = application.applicant_relationship
        if result.warnings:
            filed["warnings"] = sorted({warning["code"] for warning in result.warnings})
        audit_record_many(
            actor=user,
            application=application,
            stage=Stage.VILLAGE_CHECK,
            entries=[(StageAction.FILED, filed), *document_audit_entries(stored)],
        )
        message_queue(application=application, kind=MessageKind.FILED)
    return application
