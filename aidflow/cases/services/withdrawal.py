"""Withdrawal: the clerk withdraws an application before a decision, with a reason."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.services import audit_record
from aidflow.cases.choices import ClockOutcome, StageAction, Status
from aidflow.cases.models import Application, StageRecord
from aidflow.cases.selectors import application_get, can_withdraw
from aidflow.cases.services.claims import claims_release
from aidflow.cases.services.clocks import clock_close
from aidflow.core.errors import ActionForbidden, InputErrors, NotFound, TaskNotOpen
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.regions.stages import Stage, stage_rule
from workflows.medical_aid import MedicalAidFlow


def _too_late() -> TaskNotOpen:
    return TaskNotOpen(_("The application is already decided or closed; it can no longer be withdrawn."))


def withdraw_check(*, user, application_id, reason: str) -> Application:
    """What application_withdraw checks before it takes the lock - role, scope, the reason, a case
    not yet decided - with nothing written: a screen asks it before it has a withdrawal confirmed."""
    if role_of(user) != Role.VILLAGE_CLERK:
        raise ActionForbidden(_("Only the village clerk withdraws an application."))
    application = application_get(user=user, pk=application_id)
    if not in_scope(user, application.village_id, [stage_rule(Stage.VILLAGE_CHECK).permission]):
        raise NotFound(_("No such application."))
    if not (reason or "").strip():
        raise InputErrors({"reason": [_("Give the reason for withdrawing.")]})
    if not can_withdraw(user, application):
        raise _too_late()
    return application


def application_withdraw(*, user, application_id, reason: str) -> Application:
    """Cancel the process and close the case as withdrawn; refused once the case is decided."""
    application = withdraw_check(user=user, application_id=application_id, reason=reason)
    reason = reason.strip()

    with MedicalAidFlow.lock(application.process_id):
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("process").get(pk=application.pk)
        )
        if not can_withdraw(user, application):
            raise _too_late()
        now = timezone.now()
        MedicalAidFlow.instance.cancel(application.process)
        StageRecord.objects.create(
            application=application, stage=application.stage, action=StageAction.WITHDRAWN, actor=user, reasons=reason
        )
        before_stage = application.stage
        clock_close(application, user=user, now=now, outcome=ClockOutcome.CANCELED)
        claims_release(application)
        application.stage_due_date, application.stage_due_provisional = None, False
        application.status = Status.WITHDRAWN
        application.stage = Stage.CLOSED
        application.closed_at = now
        application.save()
        audit_record(
            actor=user,
            action=StageAction.WITHDRAWN,
            application=application,
            stage=before_stage,
            details={
                "reason": reason,
                "changed": {"status": [Status.IN_PROGRESS, Status.WITHDRAWN], "stage": [before_stage, Stage.CLOSED]},
            },
        )
    return application
