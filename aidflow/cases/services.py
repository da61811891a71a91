"""Services of the procedure: filing, each stage's decision, supplements, withdrawal, documents.

Every change to a case goes through one of these functions - the web UI, the API, commands and
tests alike. Each checks role, scope and task state itself (viewflow's own checks run only in its
views), runs in one transaction under the flow's select_for_update lock, and refuses rather than
half-writes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from aidflow.audit.services import audit_record
from aidflow.cases.models import (
    Application,
    ApplicationCounter,
    ClockOutcome,
    Decision,
    DeliveryMethod,
    Document,
    DocumentKind,
    HospitalStay,
    HouseholdMember,
    Stage,
    StageClock,
    StageRecord,
    Status,
)
from aidflow.numbering import take_next
from aidflow.policy.calculator import History, calculate, medical_year, parse_request
from aidflow.policy.services import policy_select, policy_terms
from aidflow.policy.values import FieldReader, InputErrors, money_text
from aidflow.regions.models import Level, Region, Role
from aidflow.regions.scope import in_scope

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
# Stages at which someone decides on the case; one person may decide at only one of them.
DECISION_STAGES = (Stage.VILLAGE_CHECK, Stage.TOWNSHIP_REVIEW, Stage.COUNTY_APPROVAL)
STAGE_PERMISSION = {
    Stage.VILLAGE_CHECK: "regions.check_village",
    Stage.SUPPLEMENT: "regions.check_village",
    Stage.TOWNSHIP_REVIEW: "regions.review_township",
    Stage.NOTICE_DELIVERY: "regions.review_township",
    Stage.COUNTY_APPROVAL: "regions.approve_county",
}


class ActionForbidden(Exception):
    """The user's role may never take this action (HTTP 403)."""


class NotFound(Exception):
    """The object does not exist or lies outside the user's scope (HTTP 404)."""


class TaskNotOpen(Exception):
    """The task was already handled or is no longer open (HTTP 409)."""


# --- reading -----------------------------------------------------------------------------------


def role_of(user) -> str | None:
    profile = getattr(user, "staff", None)
    return profile.role if profile is not None else None


def applications_visible(user):
    """Applications inside the user's scope, as an SQL prefix filter on the village code."""
    from aidflow.regions.scope import scope_q

    return Application.objects.filter(scope_q(user, "village__code"))


def application_get(*, user, pk) -> Application:
    """One application, or NotFound when it does not exist or lies outside the user's scope."""
    try:
        return applications_visible(user).select_related("village__parent__parent", "policy").get(pk=pk)
    except (Application.DoesNotExist, ValueError):
        raise NotFound(_("No such application.")) from None


def stages_for(user) -> list[str]:
    """The stages whose tasks this user's role works on."""
    return {
        Role.VILLAGE_CLERK: [Stage.VILLAGE_CHECK, Stage.SUPPLEMENT],
        Role.TOWNSHIP_REVIEWER: [Stage.TOWNSHIP_REVIEW, Stage.NOTICE_DELIVERY],
        Role.COUNTY_APPROVER: [Stage.COUNTY_APPROVAL],
    }.get(role_of(user), [])


def inbox(user):
    """Applications waiting for this user: their current stage is one the user works on, in scope."""
    from aidflow.regions.scope import scope_q

    queryset = Application.objects.none()
    for stage in stages_for(user):
        queryset = queryset | Application.objects.filter(
            scope_q(user, "village__code", [STAGE_PERMISSION[stage]]), stage=stage
        )
    return queryset


def overdue_filter(queryset, today=None):
    """Applications whose current stage is past its due date."""
    today = today or timezone.localdate()
    return queryset.filter(stage_due_date__lt=today).exclude(stage=Stage.CLOSED)


def open_task(application: Application) -> Task | None:
    if application.process_id is None:
        return None
    return (
        Task.objects.filter(process_id=application.process_id, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        .order_by("-created")
        .first()
    )


def can_act(user, application: Application) -> bool:
    """Whether the user may complete the application's current task now."""
    stage = application.stage
    return (
        stage != Stage.CLOSED
        and stage in stages_for(user)
        and in_scope(user, application.village_id, [STAGE_PERMISSION[stage]])
    )


def approved_history_sums(*, id_number: str, aid_type: str, year: int, exclude_pk=None) -> History:
    """What the person's approved applications of this aid type and medical year already used."""
    queryset = Application.objects.filter(
        id_number=id_number, aid_type=aid_type, medical_year=year, status=Status.APPROVED
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    sums = queryset.aggregate(remaining=Sum("remaining_total"), granted=Sum("amount"))
    return History(
        remaining_before=sums["remaining"] or Decimal("0.00"), granted_before=sums["granted"] or Decimal("0.00")
    )


# --- documents ---------------------------------------------------------------------------------


def sniff_content_type(head: bytes) -> str | None:
    """The file's type from its first bytes: PDF, JPEG or PNG, whatever its name or declared type."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


@dataclass
class UploadedDocument:
    kind: str
    file: object  # a Django UploadedFile


def _check_documents(documents: list[UploadedDocument], reader: FieldReader, prefix: str = "documents") -> None:
    for index, document in enumerate(documents):
        path = f"{prefix}[{index}]"
        if document.kind not in DocumentKind.values:
            reader.error(f"{path}.kind", _("Unknown document kind %(kind)r.") % {"kind": document.kind})
        upload = document.file
        if upload is None:
            reader.error(f"{path}.file", _("No file was uploaded."))
            continue
        if upload.size > MAX_DOCUMENT_BYTES:
            reader.error(f"{path}.file", _("The file is larger than 20 MB."))
            continue
        if upload.size == 0:
            reader.error(f"{path}.file", _("The file is empty."))
            continue
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if sniff_content_type(head) is None:
            reader.error(f"{path}.file", _("Only PDF, JPEG and PNG files are accepted; this file is none of them."))


def _store_document(*, application: Application, document: UploadedDocument, user, stage: str) -> Document:
    upload = document.file
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    stored = Document(
        application=application,
        kind=document.kind,
        original_name=(getattr(upload, "name", "") or "")[:200],
        content_type=sniff_content_type(head),
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
        stage=stage,
    )
    stored.file.save("upload", upload, save=False)
    stored.save()
    return stored


def _audit_documents(user, application: Application, documents: list[Document], stage: str) -> None:
    for document in documents:
        audit_record(
            actor=user,
            action="document_uploaded",
            application=application,
            stage=stage,
            details={"document": document.pk, "kind": document.kind, "sha256": document.sha256, "size": document.size},
        )


def document_add(*, user, application: Application, kind: str, file) -> Document:
    """Add a document to an open application; only the clerk of its village, before a decision."""
    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only the village clerk adds documents."))
    if not in_scope(user, application.village_id, ["regions.check_village"]):
        raise NotFound(_("No such application."))
    reader = FieldReader()
    _check_documents([UploadedDocument(kind, file)], reader)
    if reader.errors:
        raise InputErrors({key.replace("documents[0].", ""): value for key, value in reader.errors.items()})
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != Status.IN_PROGRESS or locked.stage not in (Stage.VILLAGE_CHECK, Stage.SUPPLEMENT):
            raise TaskNotOpen(_("Documents can be added while the village handles the application."))
        stored = _store_document(
            application=locked, document=UploadedDocument(kind, file), user=user, stage=locked.stage
        )
        _audit_documents(user, locked, [stored], locked.stage)
        return stored


# --- filing ------------------------------------------------------------------------------------


def _store_stays(application: Application, stays, referrals: list[tuple[bool, str]] | None = None) -> None:
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
            referral=referrals[index][0] if index < len(referrals) else False,
            referral_number=referrals[index][1] if index < len(referrals) else "",
        )
        for index, stay in enumerate(stays)
    )


def _next_number(county_code: str, year: int) -> str:
    """`<county code>-<year>-<5-digit sequence>`, unique and gap-free per county and year."""
    return f"{county_code}-{year}-{take_next(ApplicationCounter, county_code=county_code, year=year):05d}"


def _read_applicant(data: dict, reader: FieldReader) -> dict:
    applicant = reader.obj(data, "applicant", "applicant")
    name = reader.text(applicant, "name", "applicant.name", max_length=50) if applicant else None
    phone = reader.text(applicant, "phone", "applicant.phone", required=False, max_length=20) if applicant else None
    if phone and not phone.replace("-", "").replace(" ", "").isdigit():
        reader.error("applicant.phone", _("A phone number has digits only."))
    patient = data.get("patient") if isinstance(data.get("patient"), dict) else {}
    if applicant and applicant.get("id_number") and patient.get("id_number") not in (None, applicant.get("id_number")):
        reader.error("applicant.id_number", _("The applicant and the patient have different ID numbers."))
    return {"name": name, "phone": phone or ""}


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
        name = reader.text(member, "name", f"{path}.name", max_length=50)
        relation = reader.text(member, "relation", f"{path}.relation", max_length=20)
        income = reader.money(member, "monthly_income", f"{path}.monthly_income", required=False)
        members.append({"name": name, "relation": relation, "monthly_income": income or Decimal("0.00")})
    return members


def calculation_input_of(data: dict) -> dict:
    """The calculation request as stored with the application (section 4 fields, no history).

    Values of the wrong shape pass through unchanged, so the calculator's parser names them.
    """
    patient, household, stays = data.get("patient"), data.get("household"), data.get("stays")
    result = {key: data.get(key) for key in ("region", "filing_date", "category", "aid_type")}
    result["patient"] = (
        {
            "id_number": patient.get("id_number"),
            "severely_disabled": patient.get("severely_disabled", False),
            "seriously_ill": patient.get("seriously_ill", False),
        }
        if isinstance(patient, dict)
        else patient
    )
    result["household"] = (
        {key: household.get(key) for key in ("size", "monthly_income", "residence")}
        if isinstance(household, dict)
        else household
    )
    result["stays"] = (
        [
            {key: value for key, value in stay.items() if key not in ("referral", "referral_number")}
            if isinstance(stay, dict)
            else stay
            for stay in stays
        ]
        if isinstance(stays, list)
        else stays
    )
    return result


def application_file(*, user, data: dict, documents: list[UploadedDocument] | None = None) -> Application:
    """File an application for a villager (the village clerk) and start the procedure.

    `data` is the calculation request of INTERFACES section 4 without `history`, with `region` the
    village code, plus `applicant` {name, id_number, phone} and optional `household.members`.
    """
    from workflows.medical_aid import MedicalAidFlow

    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only a village clerk files applications."))
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    documents = documents or []
    today = timezone.localdate()
    data = dict(data)
    if data.get("filing_date") in (None, ""):
        data["filing_date"] = today.isoformat()
    # The applicant is the patient: the ID number may be given in either place.
    applicant_raw = data.get("applicant") if isinstance(data.get("applicant"), dict) else {}
    if isinstance(data.get("patient"), dict):
        data["patient"] = dict(data["patient"])
    elif data.get("patient") is None:
        data["patient"] = {}
    if isinstance(data["patient"], dict) and not data["patient"].get("id_number") and applicant_raw.get("id_number"):
        data["patient"]["id_number"] = applicant_raw["id_number"]

    reader = FieldReader()
    applicant = _read_applicant(data, reader)
    members = _read_members(data, reader)
    _check_documents(documents, reader)
    try:
        request = parse_request(calculation_input_of(data), today=today)
    except InputErrors as error:
        for key, messages in error.errors.items():
            for message in messages:
                reader.error(key, message)
        request = None
    referrals = []
    for index, stay in enumerate(data["stays"] if isinstance(data.get("stays"), list) else []):
        if isinstance(stay, dict):
            referral = reader.boolean(stay, "referral", f"stays[{index}].referral", default=False)
            number = reader.text(
                stay, "referral_number", f"stays[{index}].referral_number", required=False, max_length=64
            )
            referrals.append((bool(referral), number or ""))
    village = None
    if request is not None:
        village = Region.objects.filter(code=request.region).first()
        if village is None or village.level != Level.VILLAGE:
            reader.error("region", _("Region %(code)s is not a known village.") % {"code": request.region})
        elif not in_scope(user, village.code, ["regions.check_village"]):
            raise ActionForbidden(_("You file applications for your own village only."))
    reader.raise_if_any()

    version = policy_select(region_code=village.code, filing_date=request.filing_date)
    year = medical_year(request)
    history = approved_history_sums(id_number=request.patient.number, aid_type=request.aid_type, year=year)
    result = calculate(request, policy_terms(version) if version else None, history)
    stored_input = calculation_input_of(data)
    stored_input["patient"]["id_number"] = request.patient.number
    stored_input["region"] = village.code

    with transaction.atomic():
        application = Application(
            number=_next_number(village.code[:6], request.filing_date.year),
            village=village,
            applicant_name=applicant["name"],
            id_number=request.patient.number,
            phone=applicant["phone"],
            sex=request.patient.sex,
            birth_date=request.patient.birth_date,
            severely_disabled=request.severely_disabled,
            seriously_ill=request.seriously_ill,
            household_size=request.household_size,
            household_monthly_income=request.monthly_income,
            residence=request.residence,
            category=request.category,
            aid_type=request.aid_type,
            filing_date=request.filing_date,
            filed_by=user,
            policy=version,
            calculation_input=stored_input,
            calculation=result,
            medical_year=year,
            computed_amount=Decimal(result["amount"]),
            remaining_total=Decimal(result["remaining"]),
            stage=Stage.VILLAGE_CHECK,
        )
        application.save()
        HouseholdMember.objects.bulk_create(HouseholdMember(application=application, **member) for member in members)
        _store_stays(application, request.stays, referrals)
        stored = [
            _store_document(application=application, document=document, user=user, stage=Stage.VILLAGE_CHECK)
            for document in documents
        ]
        StageRecord.objects.create(application=application, stage=Stage.VILLAGE_CHECK, action="filed", actor=user)
        MedicalAidFlow.start.run(application=application)
        application.save(update_fields=["process"])
        _clock_open(application, timezone.now())
        application.save(update_fields=["stage_received_at", "stage_due_date", "stage_due_provisional"])
        # Audit last: the chain's lock is then held only for the rest of the commit.
        audit_record(
            actor=user,
            action="filed",
            application=application,
            stage=Stage.VILLAGE_CHECK,
            details={
                "number": application.number,
                "category": application.category,
                "aid_type": application.aid_type,
                "policy": version.code if version else None,
                "computed_amount": result["amount"],
                "eligible": result["eligible"],
                "reasons": [reason["code"] for reason in result["reasons"]],
                "stays": len(request.stays),
            },
        )
        _audit_documents(user, application, stored, Stage.VILLAGE_CHECK)
    return application


# --- stage clocks ------------------------------------------------------------------------------

STAGE_REGION_LENGTH = {
    Stage.VILLAGE_CHECK: 12,
    Stage.SUPPLEMENT: 12,
    Stage.TOWNSHIP_REVIEW: 9,
    Stage.NOTICE_DELIVERY: 9,
    Stage.COUNTY_APPROVAL: 6,
}


def _clock_open(application: Application, now) -> None:
    """Start the clock of the application's new open task, with the due date its policy sets."""
    from aidflow.calendars.services import due_date

    task = open_task(application)
    if task is None or application.stage == Stage.CLOSED:
        application.stage_due_date, application.stage_due_provisional = None, False
        return
    limit = (application.policy.stage_limits if application.policy else {}).get(application.stage)
    due = due_date(received=now, days=limit["days"], counting=limit["counting"]) if limit else None
    StageClock.objects.create(
        application=application,
        task=task,
        stage=application.stage,
        region=application.village_id[: STAGE_REGION_LENGTH[application.stage]],
        received_at=now,
        days=limit["days"] if limit else None,
        counting=limit["counting"] if limit else "",
        due_date=due.date if due else None,
        provisional=due.provisional if due else False,
    )
    application.stage_received_at = now
    application.stage_due_date = due.date if due else None
    application.stage_due_provisional = due.provisional if due else False


def _clock_close(application: Application, *, user, now, outcome: str) -> None:
    StageClock.objects.filter(application=application, outcome=ClockOutcome.OPEN).update(
        completed_at=now, completed_by=user, outcome=outcome
    )


# --- completing tasks --------------------------------------------------------------------------


def task_not_open_error(task: Task) -> TaskNotOpen:
    if task.status == STATUS.DONE and task.owner_id:
        who = task.owner.get_full_name() or task.owner.get_username()
        when = date_format(timezone.localtime(task.finished), "Y-m-d H:i")
        return TaskNotOpen(_("Already handled by %(who)s at %(when)s.") % {"who": who, "when": when})
    return TaskNotOpen(_("This task is no longer open (%(status)s).") % {"status": task.get_status_display()})


def _payload_errors(stage: str, payload: dict, application: Application) -> tuple[dict, FieldReader]:
    """Validate a stage payload (INTERFACES section 5) into clean values."""
    reader = FieldReader()
    clean: dict = {}
    if not isinstance(payload, dict):
        reader.error("body", _("The request is a JSON object."))
        return clean, reader
    today = timezone.localdate()
    if stage == Stage.VILLAGE_CHECK:
        clean["decision"] = reader.choice(payload, "decision", "decision", ["forward", "return"])
        clean["findings"] = reader.text(payload, "findings", "findings", required=False, max_length=5000) or ""
        missing = payload.get("missing") or []
        if not isinstance(missing, list) or not all(isinstance(item, str) and item.strip() for item in missing):
            reader.error("missing", _("Must be a list of the missing materials."))
            missing = []
        clean["missing"] = [item.strip() for item in missing]
        if clean["decision"] == "return" and not clean["missing"] and not clean["findings"]:
            reader.error("missing", _("Say which materials are missing."))
    elif stage == Stage.TOWNSHIP_REVIEW:
        clean["decision"] = reader.choice(payload, "decision", "decision", ["forward", "reject", "return"])
        clean["visit_date"] = reader.date(payload, "visit_date", "visit_date")
        if clean["visit_date"] and clean["visit_date"] > today:
            reader.error("visit_date", _("The home visit date is in the future."))
        if clean["visit_date"] and clean["visit_date"] < application.filing_date:
            reader.error("visit_date", _("The home visit date is before the filing date."))
        clean["visitors"] = reader.text(payload, "visitors", "visitors", required=False, max_length=200) or ""
        clean["findings"] = reader.text(payload, "findings", "findings", max_length=5000)
        needs_reasons = clean["decision"] in ("reject", "return")
        clean["reasons"] = reader.text(payload, "reasons", "reasons", required=needs_reasons, max_length=5000) or ""
        missing = payload.get("missing") or []
        clean["missing"] = [item.strip() for item in missing if isinstance(item, str) and item.strip()]
    elif stage == Stage.COUNTY_APPROVAL:
        clean["decision"] = reader.choice(payload, "decision", "decision", ["approve", "reject", "return"])
        needs_reasons = clean["decision"] in ("reject", "return")
        clean["reasons"] = reader.text(payload, "reasons", "reasons", required=needs_reasons, max_length=5000) or ""
        clean["amount"] = reader.money(payload, "amount", "amount", required=False)
        clean["override_reason"] = (
            reader.text(payload, "override_reason", "override_reason", required=False, max_length=5000) or ""
        )
        missing = payload.get("missing") or []
        clean["missing"] = [item.strip() for item in missing if isinstance(item, str) and item.strip()]
    elif stage == Stage.SUPPLEMENT:
        clean["note"] = reader.text(payload, "note", "note", max_length=5000)
        clean["corrected_input"] = _corrected_input(application, payload, reader)
    elif stage == Stage.NOTICE_DELIVERY:
        clean["delivered_on"] = reader.date(payload, "delivered_on", "delivered_on")
        if clean["delivered_on"] and clean["delivered_on"] > today:
            reader.error("delivered_on", _("The delivery date is in the future."))
        clean["method"] = reader.choice(payload, "method", "method", DeliveryMethod.values)
        clean["recipient"] = reader.text(payload, "recipient", "recipient", max_length=100)
    return clean, reader


def _corrected_input(application: Application, payload: dict, reader: FieldReader) -> dict | None:
    """The calculation inputs with the household and/or stays the clerk corrected, or None.

    Errors are reported on the reader under the payload's own field names.
    """
    if payload.get("household") is None and payload.get("stays") is None:
        return None
    corrected = calculation_input_of(
        {
            **application.calculation_input,
            **{key: payload[key] for key in ("household", "stays") if payload.get(key) is not None},
        }
    )
    if isinstance(corrected.get("household"), dict):
        corrected["household"] = {
            **application.calculation_input["household"],
            **{key: value for key, value in corrected["household"].items() if value is not None},
        }
    try:
        parse_request(corrected, today=application.filing_date)
    except InputErrors as error:
        for key, messages in error.errors.items():
            if key.startswith(("household", "stays")):
                for message in messages:
                    reader.error(key, message)
    return corrected


def _apply_corrections(application: Application, corrected: dict) -> dict:
    """Store corrected inputs, their stays and a fresh calculation; returns what changed."""
    before = {
        "household": application.calculation_input.get("household"),
        "stays": len(application.calculation_input.get("stays") or []),
        "computed_amount": money_text(application.computed_amount),
    }
    request = parse_request(corrected, today=application.filing_date)
    application.calculation_input = corrected
    application.household_size = request.household_size
    application.household_monthly_income = request.monthly_income
    application.residence = request.residence
    application.medical_year = medical_year(request)
    if "stays" in corrected:
        HospitalStay.objects.filter(application=application).delete()
        _store_stays(application, request.stays)
    result = _recalculate(application)
    application.calculation = result
    application.computed_amount = Decimal(result["amount"])
    application.remaining_total = Decimal(result["remaining"])
    after = {
        "household": corrected.get("household"),
        "stays": len(corrected.get("stays") or []),
        "computed_amount": result["amount"],
    }
    return {key: [before[key], after[key]] for key in before if before[key] != after[key]}


def _recalculate(application: Application) -> dict:
    """The amount now, with the stored inputs, the application's own policy version and today's history."""
    request = parse_request(application.calculation_input, today=application.filing_date)
    history = approved_history_sums(
        id_number=application.id_number,
        aid_type=application.aid_type,
        year=application.medical_year,
        exclude_pk=application.pk,
    )
    return calculate(request, policy_terms(application.policy) if application.policy else None, history)


def _issue_notice(application: Application, stage: str, record: StageRecord, route: str | None, clean: dict):
    """The written notice a decision owes the applicant: approval, refusal, or a request for materials."""
    from aidflow.notices.models import NoticeKind
    from aidflow.notices.services import notice_issue

    if record.action == "approved":
        return notice_issue(
            application=application, kind=NoticeKind.APPROVAL, stage=stage, reasons=record.override_reason
        )
    if record.action == "rejected":
        return notice_issue(application=application, kind=NoticeKind.REJECTION, stage=stage, reasons=record.reasons)
    if route == "return":
        return notice_issue(
            application=application,
            kind=NoticeKind.SUPPLEMENT,
            stage=stage,
            reasons=clean.get("reasons") or clean.get("findings") or "",
            missing=clean.get("missing") or [],
        )
    return None


def task_complete(*, user, task_id, payload: dict, documents: list[UploadedDocument] | None = None) -> Application:
    """Complete an open task with the stage's payload; the one way a case moves on.

    Raises ActionForbidden (role may never do this), NotFound (outside scope), TaskNotOpen
    (already handled), or InputErrors (bad payload).
    """
    try:
        task = Task.objects.select_related("process").get(pk=task_id)
    except (Task.DoesNotExist, ValueError):
        raise NotFound(_("No such task.")) from None
    application = Application.objects.filter(process_id=task.process_id).first()
    if application is None:
        raise NotFound(_("No such task."))
    stage = task.flow_task.name if task.flow_task else None
    if stage not in STAGE_PERMISSION:
        raise NotFound(_("No such task."))
    if not applications_visible(user).filter(pk=application.pk).exists():
        raise NotFound(_("No such task."))
    if stage not in stages_for(user):
        raise ActionForbidden(_("Your role does not handle this stage."))

    clean, reader = _payload_errors(stage, payload, application)
    if stage == Stage.SUPPLEMENT:
        _check_documents(documents or [], reader)
    reader.raise_if_any()

    flow_class = task.flow_task.flow_class
    with flow_class.lock(task.process_id):
        task = Task.objects.select_related("process", "owner").get(pk=task.pk)
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("policy").get(pk=application.pk)
        )
        if task.status not in OPEN_TASK_STATUSES:
            raise task_not_open_error(task)
        if task.owner_id and task.owner_id != user.pk:
            raise TaskNotOpen(_("This task is being handled by someone else."))
        if not task.owner_id and not task.flow_task.can_assign(user, task):
            raise NotFound(_("No such task."))
        if stage in DECISION_STAGES:
            other = (
                StageRecord.objects.filter(application=application, actor=user, stage__in=DECISION_STAGES)
                .exclude(stage=stage)
                .exclude(action__in=["filed", "resubmitted"])
                .first()
            )
            if other is not None:
                raise ActionForbidden(
                    _("You decided this application at the %(stage)s stage; another person must decide this one.")
                    % {"stage": other.get_stage_display()}
                )

        before = {
            "status": application.status,
            "stage": application.stage,
            "decision": application.decision,
            "amount": money_text(application.amount) if application.amount is not None else None,
        }
        stored_documents = []
        record = StageRecord(application=application, task=task, stage=stage, actor=user)
        route = None
        now = timezone.now()
        if stage == Stage.VILLAGE_CHECK:
            route = clean["decision"]
            record.action = "forwarded" if route == "forward" else "returned"
            record.findings, record.missing = clean["findings"], clean["missing"]
        elif stage == Stage.TOWNSHIP_REVIEW:
            decision = clean["decision"]
            record.action = {"forward": "forwarded", "reject": "rejected", "return": "returned"}[decision]
            record.visit_date, record.visitors = clean["visit_date"], clean["visitors"]
            record.findings, record.reasons, record.missing = clean["findings"], clean["reasons"], clean["missing"]
            route = decision
            if decision == "reject":
                application.status, application.decision = Status.REJECTED, Decision.REJECTED
                application.amount = None
        elif stage == Stage.COUNTY_APPROVAL:
            decision = clean["decision"]
            record.reasons, record.missing = clean["reasons"], clean["missing"]
            route = "return" if decision == "return" else "decide"
            if decision == "approve":
                result = _recalculate(application)
                computed = Decimal(result["amount"])
                if not result["eligible"]:
                    raise InputErrors(
                        {"decision": [_("The calculation finds the applicant not eligible; reject or return.")]}
                    )
                amount = clean["amount"] if clean["amount"] is not None else computed
                if amount > computed:
                    raise InputErrors(
                        {
                            "amount": [
                                _("The amount may not exceed the computed %(amount)s.")
                                % {"amount": money_text(computed)}
                            ]
                        }
                    )
                if amount < computed and not clean["override_reason"]:
                    raise InputErrors(
                        {"override_reason": [_("Give the reason for awarding less than the computed amount.")]}
                    )
                if amount <= 0:
                    raise InputErrors({"amount": [_("An approval needs an amount above zero.")]})
                application.calculation = result
                application.computed_amount = computed
                application.remaining_total = Decimal(result["remaining"])
                application.status, application.decision, application.amount = (
                    Status.APPROVED,
                    Decision.APPROVED,
                    amount,
                )
                record.action, record.amount = "approved", amount
                record.override_reason = clean["override_reason"] if amount < computed else ""
            elif decision == "reject":
                application.status, application.decision = Status.REJECTED, Decision.REJECTED
                record.action = "rejected"
            else:
                record.action = "returned"
        elif stage == Stage.SUPPLEMENT:
            record.action = "resubmitted"
            record.findings = clean["note"]
            if clean.get("corrected_input") is not None:
                clean["corrections"] = _apply_corrections(application, clean.pop("corrected_input"))
            else:
                clean.pop("corrected_input", None)
            stored_documents = [
                _store_document(application=application, document=document, user=user, stage=Stage.SUPPLEMENT)
                for document in documents or []
            ]
        elif stage == Stage.NOTICE_DELIVERY:
            record.action = "delivered"
            record.delivered_on, record.delivery_method = clean["delivered_on"], clean["method"]
            record.recipient = clean["recipient"]

        # Where the case goes next, mirrored on the application for lists and scope filters.
        if route == "return":
            application.returned_from = stage
            application.missing_materials = clean.get("missing") or []
            application.stage = Stage.SUPPLEMENT
        elif stage == Stage.SUPPLEMENT:
            application.stage = application.returned_from
        elif stage == Stage.VILLAGE_CHECK:
            application.stage = Stage.TOWNSHIP_REVIEW
        elif stage == Stage.TOWNSHIP_REVIEW:
            application.stage = Stage.COUNTY_APPROVAL if route == "forward" else Stage.NOTICE_DELIVERY
        elif stage == Stage.COUNTY_APPROVAL:
            application.stage = Stage.NOTICE_DELIVERY
        elif stage == Stage.NOTICE_DELIVERY:
            application.stage = Stage.CLOSED
            application.closed_at = now
        record.save()
        application.save()
        _clock_close(
            application, user=user, now=now, outcome=ClockOutcome.RETURNED if route == "return" else ClockOutcome.DONE
        )

        task.process.data = {"route": "forward" if route == "forward" else route}
        task.process.save(update_fields=["data"])
        activation = task.flow_task.activation_class(task)
        if task.status == STATUS.NEW:
            activation.assign(user)
        if task.status == STATUS.ASSIGNED:
            activation.start(None)
        activation.execute()
        if stage == Stage.SUPPLEMENT:
            application.returned_from = ""
            application.missing_materials = []
        # A new task has a new clock; a return stopped the old one.
        _clock_open(application, now)
        application.save(
            update_fields=[
                "returned_from",
                "missing_materials",
                "stage_received_at",
                "stage_due_date",
                "stage_due_provisional",
            ]
        )
        after = {
            "status": application.status,
            "stage": application.stage,
            "decision": application.decision,
            "amount": money_text(application.amount) if application.amount is not None else None,
        }
        notice = _issue_notice(application, stage, record, route, clean)
        facts = {key: value for key, value in clean.items() if value not in (None, "", [])}
        if stage == Stage.COUNTY_APPROVAL and record.action == "approved":
            facts["computed_amount"] = money_text(application.computed_amount)
        audit_record(
            actor=user,
            action=record.action,
            application=application,
            stage=stage,
            details={
                "task": task.pk,
                "facts": facts,
                "notice": notice.number if notice is not None else None,
                "changed": {key: [before[key], after[key]] for key in before if before[key] != after[key]},
            },
        )
        _audit_documents(user, application, stored_documents, stage)
    return application


def application_withdraw(*, user, application_id, reason: str) -> Application:
    """The clerk withdraws an application before a decision, with a reason."""
    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only the village clerk withdraws an application."))
    application = application_get(user=user, pk=application_id)
    if not in_scope(user, application.village_id, ["regions.check_village"]):
        raise NotFound(_("No such application."))
    reason = (reason or "").strip()
    if not reason:
        raise InputErrors({"reason": [_("Give the reason for withdrawing.")]})
    from workflows.medical_aid import MedicalAidFlow

    with MedicalAidFlow.lock(application.process_id):
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status != Status.IN_PROGRESS or application.stage == Stage.NOTICE_DELIVERY:
            raise TaskNotOpen(_("The application is already decided or closed; it can no longer be withdrawn."))
        now = timezone.now()
        Task.objects.filter(process_id=application.process_id, status__in=OPEN_TASK_STATUSES).update(
            status=STATUS.CANCELED, finished=now
        )
        process = application.process
        process.status, process.finished = "CANCELED", now
        process.save(update_fields=["status", "finished"])
        StageRecord.objects.create(
            application=application, stage=application.stage, action="withdrawn", actor=user, reasons=reason
        )
        before_stage = application.stage
        _clock_close(application, user=user, now=now, outcome=ClockOutcome.CANCELED)
        application.stage_due_date, application.stage_due_provisional = None, False
        application.status = Status.WITHDRAWN
        application.stage = Stage.CLOSED
        application.closed_at = now
        application.save()
        audit_record(
            actor=user,
            action="withdrawn",
            application=application,
            stage=before_stage,
            details={
                "reason": reason,
                "changed": {"status": ["in_progress", "withdrawn"], "stage": [before_stage, "closed"]},
            },
        )
    return application
