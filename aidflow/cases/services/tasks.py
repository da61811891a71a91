"""Completing a task: check, decide, advance - the one way a case moves on.

check:   the task exists, is in the user's scope and stage, is open, and the user did not decide the
         case at another stage;
decide:  the stage's decide function (decisions.py) records the decision on the case;
advance: the route goes into the typed process state, the flow runs, and the case's stage is read
         back from the task the flow opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from aidflow.audit.services import audit_record_many
from aidflow.cases.choices import ClockOutcome, StageAction
from aidflow.cases.models import Application, StageRecord
from aidflow.cases.selectors import OPEN_TASK_STATUSES
from aidflow.cases.services.clocks import clock_close, clock_open
from aidflow.cases.services.decisions import DECIDE, Outcome, approved_amount
from aidflow.cases.services.documents import UploadedDocument, document_audit_entries, documents_check
from aidflow.cases.services.notices import notice_owed_for, notice_request
from aidflow.cases.services.payloads import payload_clean
from aidflow.core.errors import ActionForbidden, NotFound, TaskNotOpen
from aidflow.core.fields import money_text
from aidflow.notify.models import MessageKind
from aidflow.notify.services import message_queue
from aidflow.regions.scope import in_scope, role_of
from aidflow.regions.stages import DECISION_STAGES, STAGE_RULES, Stage, stages_of
from workflows.medical_aid import MedicalAidFlow
from workflows.models import Route

# The steps the applicant hears of on their phone.
MESSAGE_OF_ACTION = {
    StageAction.RETURNED: MessageKind.RETURNED,
    StageAction.APPROVED: MessageKind.DECIDED,
    StageAction.REJECTED: MessageKind.DECIDED,
}


def task_not_open_error(task: Task) -> TaskNotOpen:
    """The refusal for a task that is no longer open, naming who handled it and when."""
    if task.status == STATUS.DONE and task.owner_id:
        who = task.owner.get_full_name() or task.owner.get_username()
        when = date_format(timezone.localtime(task.finished), "Y-m-d H:i")
        return TaskNotOpen(_("Already handled by %(who)s at %(when)s.") % {"who": who, "when": when})
    return TaskNotOpen(_("This task is no longer open (%(status)s).") % {"status": task.get_status_display()})


def _task_for(user, task_id) -> tuple[Task, Application, str]:
    """The task, its application and stage; NotFound outside the user's scope, ActionForbidden for the wrong role."""
    try:
        task = Task.objects.select_related("process__application").get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such task.")) from None
    application = getattr(task.process, "application", None)
    stage = task.flow_task.name if task.flow_task else None
    if application is None or stage not in STAGE_RULES:
        raise NotFound(_("No such task."))
    # applications_visible(user) as a test on the code in hand: the same scope, the same prefixes.
    if not in_scope(user, application.village_id):
        raise NotFound(_("No such task."))
    if stage not in stages_of(role_of(user)):
        raise ActionForbidden(_("Your role does not handle this stage."))
    return task, application, stage


def _check_open(user, task: Task, application: Application, stage: str) -> None:
    """Under the lock: the task is still open and the user may take it and decide here."""
    if task.status not in OPEN_TASK_STATUSES:
        raise task_not_open_error(task)
    if task.owner_id and task.owner_id != user.pk:
        raise TaskNotOpen(_("This task is being handled by someone else."))
    if not task.owner_id and not task.flow_task.can_assign(user, task):
        raise NotFound(_("No such task."))
    if stage == Stage.COUNTY_APPROVAL:
        # Whoever filed, checked, supplied or reviewed the case never approves it, whatever their
        # role has become since. (This covers the one-decision rule below as well.)
        earlier = StageRecord.objects.filter(application=application, actor=user).exclude(stage=stage).first()
        if earlier is not None:
            raise ActionForbidden(
                _("You took part in this application at the %(stage)s stage; another person must decide it.")
                % {"stage": earlier.get_stage_display()}
            )
    elif stage in DECISION_STAGES:
        other = (
            StageRecord.objects.filter(application=application, actor=user, stage__in=DECISION_STAGES)
            .exclude(stage=stage)
            .exclude(action__in=[StageAction.FILED, StageAction.RESUBMITTED])
            .first()
        )
        if other is not None:
            raise ActionForbidden(
                _("You decided this application at the %(stage)s stage; another person must decide this one.")
                % {"stage": other.get_stage_display()}
            )


def _summary(application: Application) -> dict:
    amount = money_text(application.amount) if application.amount is not None else None
    return {
        "status": application.status,
        "stage": application.stage,
        "decision": application.decision,
        "amount": amount,
    }


def _advance(user, task: Task, application: Application, stage: str, outcome: Outcome, clean: dict, now) -> None:
    """Let the flow take the decision's route, then mirror where the case now stands."""
    activation = task.flow_task.activation_class(task)
    process = activation.process
    process.route = outcome.route or ""
    if outcome.route == Route.RETURN:
        process.returned_from = application.returned_from = stage
        application.missing_materials = clean.get("missing") or []
    elif stage == Stage.SUPPLEMENT:
        # The process keeps `returned_from` for the flow's way back; the case file no longer waits.
        application.returned_from, application.missing_materials = "", []
    process.save(update_fields=["data"])
    if task.status == STATUS.NEW:
        activation.take(user)  # assign and start, written once with the completion
    if task.status == STATUS.ASSIGNED:
        activation.start(None)
    process.opened_task = None
    activation.execute()

    # The human task the flow opened (MedicalAidFlow.task_opened), or none at the end.
    following = process.opened_task
    application.stage = following.flow_task.name if following is not None else Stage.CLOSED
    if following is None:
        application.closed_at = now
    # A new task has a new clock; a return stopped the old one.
    clock_open(application, now, following)
    application.save()


@dataclass(frozen=True)
class TaskCheck:
    """A decision as it would be taken now: the task, the case, the stage, the clean payload, and
    the amount an approval would award."""

    task: Task
    application: Application
    stage: str
    clean: dict
    amount: Decimal | None = None


def task_check(*, user, task_id, payload: dict) -> TaskCheck:
    """What task_complete checks - scope, role, the open task, the payload and an approval's
    amount - with nothing written and no lock taken: a screen asks it before it has a decision
    confirmed. It raises as task_complete does; task_complete checks everything again."""
    task, application, stage = _task_for(user, task_id)
    clean, reader = payload_clean(stage, payload, application)
    reader.raise_if_any()
    _check_open(user, task, application, stage)
    amount = None
    if stage == Stage.COUNTY_APPROVAL and clean["decision"] == Route.APPROVE:
        _result, amount = approved_amount(application, clean)
    return TaskCheck(task, application, stage, clean, amount)


def task_complete(*, user, task_id, payload: dict, documents: list[UploadedDocument] | None = None) -> Application:
    """Complete an open task with the stage's payload.

    Raises ActionForbidden (role may never do this), NotFound (outside scope), TaskNotOpen
    (already handled), or InputErrors (bad payload).
    """
    documents = documents or []
    task, application, stage = _task_for(user, task_id)
    clean, reader = payload_clean(stage, payload, application)
    if stage == Stage.SUPPLEMENT or (stage == Stage.VILLAGE_CHECK and documents):
        documents_check(documents, reader, existing=application.documents.count())
    reader.raise_if_any()

    with MedicalAidFlow.lock(task.process_id):
        task = Task.objects.select_related("process", "owner").get(pk=task.pk)
        # With the regions above the village (the next task's permission object, the notice's
        # authority and address) and the policy's rules (recalculation, the notice's legal basis).
        locked = Application.objects.select_for_update(of=("self",)).select_related(
            "policy", "village__parent__parent__parent"
        )
        if stage == Stage.COUNTY_APPROVAL:
            locked = locked.prefetch_related("policy__rules")
        application = locked.get(pk=application.pk)
        task.process.application = application  # the flow's permission objects read it from here
        _check_open(user, task, application, stage)

        before = _summary(application)
        now = timezone.now()
        record = StageRecord(application=application, task=task, stage=stage, actor=user)
        outcome = DECIDE[stage](application, record, clean, user=user, documents=documents)
        record.save()
        clock_close(
            application,
            user=user,
            now=now,
            outcome=ClockOutcome.RETURNED if outcome.route == Route.RETURN else ClockOutcome.DONE,
        )
        _advance(user, task, application, stage, outcome, clean, now)

        owed = notice_owed_for(stage, record, outcome.route, clean)
        notice = notice_request(application=application, owed=owed) if owed is not None else None
        facts = {key: value for key, value in clean.items() if value not in (None, "", [])}
        if record.action == StageAction.APPROVED:
            facts["computed_amount"] = money_text(application.computed_amount)
        after = _summary(application)
        decided = {
            "task": task.pk,
            "facts": facts,
            "notice": notice.number if notice is not None else None,
            "changed": {key: [before[key], after[key]] for key in before if before[key] != after[key]},
        }
        # The decision and the documents it stored go into the chain under one take of its lock.
        audit_record_many(
            actor=user,
            application=application,
            stage=stage,
            entries=[(record.action, decided), *document_audit_entries(outcome.documents)],
        )
        kind = MESSAGE_OF_ACTION.get(record.action)
        if kind is not None:
            message_queue(application=application, kind=kind)
    return application
