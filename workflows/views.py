"""The case page and its stage form: the whole case file, and for whoever may act now, the form of
the current stage, which completes the task through the one service."""

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from viewflow.workflow.models import Task

from aidflow.appeals.forms import AppealForm, OutcomeForm
from aidflow.appeals.selectors import appeal_periods, appeals_of, may_record_appeals
from aidflow.calendars.services import remedy_deadlines
from aidflow.cases.choices import DocumentKind, NoticeKind
from aidflow.cases.forms import PayeeForm, WithdrawForm
from aidflow.cases.selectors import (
    OPEN_TASK_STATUSES,
    application_get,
    can_act,
    can_withdraw,
    delivery_record,
    open_task,
    payment_failure,
    tasks_waiting,
)
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.payees import can_set_payee, payee_change, payee_masked
from aidflow.cases.services.tasks import task_check, task_complete, task_not_open_error
from aidflow.cases.services.viewing import application_view
from aidflow.cases.services.withdrawal import application_withdraw, withdraw_check
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound, TaskNotOpen
from aidflow.core.formerrors import add_service_errors
from aidflow.recoveries.forms import revocation_context
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.regions.stages import Stage, stages_of
from workflows.confirmations import decision_confirmation, needs_confirmation, withdraw_confirmation
from workflows.forms import STAGE_FORMS, exclusion_fields, stage_form, stage_payload
from workflows.verdicts import stays_with_verdicts

STAGE_DONE_MESSAGES = {
    Stage.VILLAGE_CHECK: _("Village check recorded."),
    Stage.TOWNSHIP_REVIEW: _("Township review recorded."),
    Stage.COUNTY_APPROVAL: _("County decision recorded."),
    Stage.SUPPLEMENT: _("Materials resubmitted."),
    Stage.NOTICE_DELIVERY: _("Delivery recorded; the case is closed."),
}


def remedies_of(application):
    """The remedy deadlines, once the decision notice has been delivered."""
    delivery = delivery_record(application)
    if delivery is None or application.decision is None:
        return None
    # Only a decision (决定书) can be appealed; a township's 告知书 decides nothing.
    if not application.notices.filter(kind__in=[NoticeKind.APPROVAL, NoticeKind.REJECTION]).exists():
        return None
    return {"delivered_on": delivery.delivered_on, **remedy_deadlines(delivery.delivered_on)}


class ApplicationDetailView(TemplateView):
    """The whole case file, its timeline, and the current stage's form for whoever may act."""

    template_name = "cases/application_detail.html"

    def get(self, request, *args, **kwargs):
        try:
            self.application = application_view(user=request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404(_("No such application.")) from None
        return super().get(request, *args, **kwargs)

    def get_context_data(
        self, form=None, payee_form=None, withdraw_form=None, appeal_form=None, outcome_form=None, **kwargs
    ):
        """The case page; a screen that re-renders it after a POST passes its bound form (with its
        errors), a `confirmation` to ask for, or `page_errors` that concern no form."""
        context = super().get_context_data(**kwargs)
        application = self.application
        user = self.request.user
        task = open_task(application)
        may_act = task is not None and can_act(user, application)
        if may_act and form is None:
            form = stage_form(application)
        stays = stays_with_verdicts(application)
        documents = list(application.documents.select_related("uploaded_by"))
        context.update(
            {
                "application": application,
                "stays": stays,
                "members": application.members.all(),
                "documents": documents,
                "has_certificate": any(document.kind == DocumentKind.CATEGORY_CERTIFICATE for document in documents),
                "records": application.records.select_related("actor", "actor__staff"),
                "clocks": application.clocks.all(),
                "notices": list(application.notices.all()),
                "remedies": remedies_of(application),
                "task": task,
                "can_act": may_act,
                "form": form if may_act else None,
                "can_withdraw": can_withdraw(user, application),
                "withdraw_form": withdraw_form or WithdrawForm(),
                "calculation": application.calculation,
                "stage_names": dict(Stage.choices),
                "payee": payee_masked(application),
                "payment_failure": payment_failure(application),
                # After a decision: on to the next case waiting for this user, or back to the inbox.
                "next_waiting": None if may_act else tasks_waiting(user).exclude(application=application).first(),
                "works_an_inbox": bool(stages_of(role_of(user))),
                "may_set_payee": can_set_payee(user, application),
                "payee_form": payee_form or PayeeForm(initial={"name": application.applicant_name}),
                # The village clerk hands the applicant the receipt with the status code.
                "hands_receipts": role_of(user) == Role.VILLAGE_CLERK,
                "applicant_messages": application.applicant_messages.all(),
                **appeals_context(user, application, appeal_form, outcome_form, kwargs.get("outcome_appeal")),
                # A revocation of the approval and its recovery; the county approver's form.
                **revocation_context(user, application=application, form=kwargs.get("revoke_form")),
            }
        )
        return context


def appeals_context(user, application, appeal_form, outcome_form, outcome_appeal) -> dict:
    """The appeals against the case's decision, the periods open against it, and for the county
    approver the forms that record an appeal and each pending appeal's outcome."""
    appeals = appeals_of(application)
    may_record = may_record_appeals(user, application)
    pending = [
        (appeal, outcome_form if outcome_form is not None and str(appeal.pk) == str(outcome_appeal) else OutcomeForm())
        for appeal in appeals
        if not appeal.outcome
    ]
    return {
        "appeals": appeals,
        "appeal_periods": appeal_periods(application),
        "may_record_appeals": may_record,
        "appeal_form": appeal_form
        or AppealForm(initial={"kind": "reconsideration", "received_on": timezone.localdate()}),
        "pending_outcomes": pending if may_record else [],
    }


class CaseFormView(ApplicationDetailView):
    """A POST from the case page: on an error the page is shown again with what was typed, the
    errors beside the fields and summed up above the form (status 400); nothing is lost."""

    def load(self, pk):
        try:
            self.application = application_get(user=self.request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None

    def again(self, status=400, **context):
        return self.render_to_response(self.get_context_data(**context), status=status)

    def done(self, message):
        messages.success(self.request, message)
        return redirect("workbench:application", pk=self.application.pk)


class TaskView(CaseFormView):
    """POST: complete the application's open task with the stage form; a decision that cannot be
    undone is confirmed first (workflows/confirmations.py)."""

    def post(self, request, pk, task_pk):
        self.load(pk)
        task = Task.objects.filter(pk=task_pk, process_id=self.application.process_id).first()
        if task is None or task.flow_task is None or task.flow_task.name not in STAGE_FORMS:
            raise Http404(_("No such task."))
        if task.status not in OPEN_TASK_STATUSES:
            return self.again(status=409, page_errors=[str(task_not_open_error(task))])
        stage = task.flow_task.name
        if stage != self.application.stage:
            raise Http404(_("No such task."))
        form = stage_form(self.application, request.POST, request.FILES)
        if form.is_valid():
            documents = []
            if form.cleaned_data.get("file"):
                documents.append(UploadedDocument(form.cleaned_data.get("kind") or "other", form.cleaned_data["file"]))
            payload = stage_payload(stage, form.cleaned_data, form.changed_data)
            try:
                if needs_confirmation(stage, payload):
                    check = task_check(user=request.user, task_id=task_pk, payload=payload)
                    confirmation = decision_confirmation(check)
                    if not confirmation.given(request.POST):
                        return self.again(status=200, form=form, confirmation=confirmation.carry_post(request.POST))
                task_complete(user=request.user, task_id=task_pk, payload=payload, documents=documents)
            except NotFound:
                raise Http404(_("No such task.")) from None
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except TaskNotOpen as error:
                return self.again(status=409, page_errors=[str(error)])
            except (InputErrors, Conflict) as error:
                add_service_errors(form, error.errors, exclusion_fields(error.errors))
            else:
                return self.done(STAGE_DONE_MESSAGES[stage])
        if request.FILES.get("file") and "file" in form.fields:
            # A browser never keeps a chosen file across pages: say so where it was chosen.
            form.add_error("file", _("The file was not kept: choose it again before you submit."))
        return self.again(form=form)


class WithdrawView(CaseFormView):
    """The clerk withdraws the application with a reason, once the withdrawal is confirmed."""

    def post(self, request, pk):
        self.load(pk)
        form = WithdrawForm(request.POST)
        if not form.is_valid():
            return self.again(withdraw_form=form)
        reason = form.cleaned_data["reason"]
        try:
            application = withdraw_check(user=request.user, application_id=pk, reason=reason)
            confirmation = withdraw_confirmation(application, reason)
            if not confirmation.given(request.POST):
                return self.again(status=200, withdraw_form=form, confirmation=confirmation.carry_post(request.POST))
            application_withdraw(user=request.user, application_id=pk, reason=reason)
        except NotFound:
            raise Http404(_("No such application.")) from None
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except InputErrors as error:
            add_service_errors(form, error.errors)
        except TaskNotOpen as error:
            return self.again(status=409, page_errors=[str(error)])
        else:
            return self.done(_("The application was withdrawn."))
        return self.again(withdraw_form=form)


class PayeeView(CaseFormView):
    """The village clerk or the county's finance officer records where the aid is paid."""

    def post(self, request, pk):
        self.load(pk)
        form = PayeeForm(request.POST)
        if form.is_valid():
            try:
                payee_change(user=request.user, application_id=pk, data=form.cleaned_data)
            except NotFound:
                raise Http404(_("No such application.")) from None
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except (InputErrors, Conflict) as error:
                add_service_errors(form, error.errors, PayeeForm.SERVICE_FIELDS)
            else:
                return self.done(_("The payee was saved."))
        return self.again(payee_form=form)
