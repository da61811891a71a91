"""Recording a reconsideration application or a lawsuit against a delivered decision, and its
outcome. An outcome that revokes or changes the decision sends the case back to the county: the
finished process is opened again at county approval, with a new stage clock, and the approver
decides again through the one task service (a new decision notice follows, replacing the old)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.status import PROCESS, STATUS

from aidflow.appeals.models import REOPENING, Appeal, AppealKind, AppealOutcome
from aidflow.appeals.selectors import appeal_periods, may_record_appeals
from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record_many
from aidflow.cases.choices import DocumentKind, Status
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.cases.services.claims import claims_take
from aidflow.cases.services.clocks import clock_open
from aidflow.cases.services.documents import (
    UploadedDocument,
    document_audit_entries,
    document_store,
    documents_check,
)
from aidflow.cases.services.ledger import ledger_application_remove
from aidflow.core.errors import ActionForbidden, Conflict, NotFound
from aidflow.core.fields import FieldReader
from aidflow.core.payment import PaymentStatus
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.regions.stages import Stage
from workflows.medical_aid import MedicalAidFlow


def _application_for(user, application_id) -> Application:
    """The case, for its county's approver only: 403 for any other role, 404 outside the county."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the county approver records reconsiderations, lawsuits and their outcomes."))
    application = application_get(user=user, pk=application_id)
    if not may_record_appeals(user, application):
        raise NotFound(_("No such application."))
    return application


def _day(reader: FieldReader, data: dict, name: str) -> datetime.date | None:
    value = data.get(name)
    if isinstance(value, datetime.date):
        return value
    if value in (None, ""):
        reader.error(name, _("This field is required."))
        return None
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        reader.error(name, _("Enter a date as YYYY-MM-DD."))
        return None


def _text(reader: FieldReader, data: dict, name: str, limit: int, required: bool = True) -> str:
    value = data.get(name)
    value = value.strip() if isinstance(value, str) else ""
    if required and not value:
        reader.error(name, _("This field is required."))
    elif len(value) > limit:
        reader.error(name, _("At most %(limit)d characters.") % {"limit": limit})
    return value


def _choice(reader: FieldReader, data: dict, name: str, choices) -> str:
    value = data.get(name)
    if value not in choices.values:
        reader.error(name, _("Choose one of: %(values)s.") % {"values": ", ".join(choices.values)})
    return value


def appeal_record(*, user, application_id, data: dict) -> Appeal:
    """Record a reconsideration application or a lawsuit against the case's delivered decision:
    refused before delivery, on a future day, or past its period unless a reason is given."""
    application = _application_for(user, application_id)
    reader = FieldReader()
    kind = _choice(reader, data, "kind", AppealKind)
    received_on = _day(reader, data, "received_on")
    body = _text(reader, data, "body", 200)
    case_number = _text(reader, data, "case_number", 80)
    late_reason = _text(reader, data, "late_reason", 2000, required=False)
    reader.raise_if_any()

    with MedicalAidFlow.lock(application.process_id):
        application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
        periods = appeal_periods(application)
        if periods is None:
            raise Conflict(
                {"received_on": [_("Only a decided case whose decision notice has been delivered can be appealed.")]}
            )
        ends = periods.ends(kind)
        if received_on > timezone.localdate():
            reader.error("received_on", _("The day received cannot be in the future."))
        elif received_on < periods.delivered_on:
            reader.error(
                "received_on",
                _("The decision notice was delivered on %(day)s: an appeal cannot be received before that.")
                % {"day": periods.delivered_on.isoformat()},
            )
        elif received_on > ends and not late_reason:
            reader.error(
                "received_on",
                _(
                    "Received after the period, which ended on %(day)s (counted from delivery on %(delivered)s). "
                    "Give the reason for accepting it late, or refuse it."
                )
                % {"day": ends.isoformat(), "delivered": periods.delivered_on.isoformat()},
            )
        reader.raise_if_any()
        appeal = Appeal.objects.create(
            application=application,
            notice=periods.notice,
            delivered_on=periods.delivered_on,
            kind=kind,
            received_on=received_on,
            body=body,
            case_number=case_number,
            period_ends=ends,
            late_reason=late_reason if received_on > ends else "",
            recorded_by=user,
        )
        details = {
            "appeal": appeal.pk,
            "kind": kind,
            "received_on": received_on.isoformat(),
            "body": body,
            "case_number": case_number,
            "notice": periods.notice.number,
            "period_ends": ends.isoformat(),
        }
        if appeal.late_reason:
            details["late_reason"] = appeal.late_reason
        audit_record_many(
            actor=user, application=application, stage=Stage.CLOSED, entries=[(AuditAction.APPEAL_RECORDED, details)]
        )
    return appeal


def _reopen(application: Application, *, now) -> None:
    """Open the finished process again at county approval: viewflow's own undo of the end (the
    process is NEW again), then a county approval task after it, as the flow would create one."""
    process = application.process
    done = process.task_set.filter(status=STATUS.DONE).order_by("-pk")
    end_task = next((task for task in done if task.flow_task is not None and task.flow_task.name == "end"), None)
    if end_task is None or process.status != PROCESS.DONE:
        raise Conflict({"outcome": [_("The case is not closed: it cannot be sent back to the county now.")]})
    ending = end_task.flow_task.activation_class(end_task)
    ending.undo()
    ending.process.route = ""
    ending.process.returned_from = ""
    ending.process.save(update_fields=["data"])
    county_approval = MedicalAidFlow.instance.county_approval
    activation = county_approval._create(ending, end_task.token)
    activation.activate()

    if application.status == Status.APPROVED:
        ledger_application_remove(application, release_stays=True)
    else:
        # A refusal had released the stays; the case claims them again while it is decided again.
        claims_take(application=application, stays=list(application.stays.all()))
    application.status, application.decision, application.amount = Status.IN_PROGRESS, None, None
    application.decided_on = None
    application.closed_at = None
    application.stage = Stage.COUNTY_APPROVAL
    clock_open(application, now, activation.task)
    application.save()


def outcome_check(*, user, application_id, appeal_id) -> tuple[Application, Appeal]:
    """The case and the appeal whose outcome is to be recorded, for the county's approver."""
    application = _application_for(user, application_id)
    appeal = Appeal.objects.filter(pk=appeal_id if str(appeal_id).isdigit() else 0, application=application).first()
    if appeal is None:
        raise NotFound(_("No such appeal."))
    return application, appeal


def appeal_outcome_record(*, user, application_id, appeal_id, data: dict, file) -> Appeal:
    """Record an appeal's outcome with its decision document; a revoked or changed decision sends
    the case back to the county, which decides again."""
    application, appeal = outcome_check(user=user, application_id=application_id, appeal_id=appeal_id)
    reader = FieldReader()
    outcome = _choice(reader, data, "outcome", AppealOutcome)
    decided_on = _day(reader, data, "decided_on")
    document = UploadedDocument(DocumentKind.APPEAL_DECISION, file)
    if file is None:
        reader.error("document", _("Upload the decision document."))
    else:
        documents_check([document], reader, prefix="document")
        for key in [key for key in reader.errors if key.startswith("document[")]:
            reader.errors.setdefault("document", []).extend(reader.errors.pop(key))
    if decided_on is not None and decided_on > timezone.localdate():
        reader.error("decided_on", _("The day decided cannot be in the future."))
    elif decided_on is not None and decided_on < appeal.received_on:
        reader.error(
            "decided_on",
            _("The appeal was received on %(day)s: it cannot have been decided before that.")
            % {"day": appeal.received_on.isoformat()},
        )
    reader.raise_if_any()

    with MedicalAidFlow.lock(application.process_id):
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("process", "policy", "village__parent__parent__parent")
            .get(pk=application.pk)
        )
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if appeal.outcome:
            raise Conflict({"outcome": [_("The outcome of this appeal is already recorded.")]})
        reopen = outcome in REOPENING
        if reopen and application.stage != Stage.CLOSED:
            raise Conflict({"outcome": [_("The case is already back with the county: it is decided again there.")]})
        if reopen and application.payment_status in (PaymentStatus.IN_BATCH, PaymentStatus.PAID):
            raise Conflict(
                {
                    "outcome": [
                        _(
                            "The aid is already paid or in a payment batch: revoke the approval and recover "
                            "the money first, then record this outcome."
                        )
                    ]
                }
            )
        now = timezone.now()
        before = {"status": application.status, "stage": application.stage, "decision": application.decision}
        stored = document_store(application=application, document=document, user=user, stage=application.stage)
        appeal.outcome, appeal.decided_on, appeal.decision_document = outcome, decided_on, stored
        appeal.outcome_by, appeal.outcome_at = user, now
        if reopen:
            _reopen(application, now=now)
            appeal.reopened_at = now
        appeal.save()
        after = {"status": application.status, "stage": application.stage, "decision": application.decision}
        details = {
            "appeal": appeal.pk,
            "kind": appeal.kind,
            "case_number": appeal.case_number,
            "outcome": outcome,
            "decided_on": decided_on.isoformat(),
            "changed": {key: [before[key], after[key]] for key in before if before[key] != after[key]},
        }
        audit_record_many(
            actor=user,
            application=application,
            stage=before["stage"],
            entries=[(AuditAction.APPEAL_DECIDED, details), *document_audit_entries([stored])],
        )
    return appeal
