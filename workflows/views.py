"""The case page and its stage form: the whole case file, and for whoever may act now, the form of
the current stage, which completes the task through the one service."""

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from viewflow.workflow.models import Task

from aidflow.calendars.services import remedy_deadlines
from aidflow.cases.choices import NoticeKind
from aidflow.cases.forms import WithdrawForm
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
from aidflow.cases.services.payees import can_set_payee, payee_masked
from aidflow.cases.services.tasks import task_complete, task_not_open_error
from aidflow.cases.services.viewing import application_view
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound, TaskNotOpen
from aidflow.regions.scope import role_of
from aidflow.regions.stages import Stage, stages_of
from workflows.forms import STAGE_FORMS, stage_form, stage_payload

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

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        application = self.application
        user = self.request.user
        task = open_task(application)
        may_act = task is not None and can_act(user, application)
        if may_act and form is None:
            form = stage_form(application)
        # Each stay with what the calculation says of it: counted, or why not.
        results = {item["index"]: item for item in (application.calculation or {}).get("stays", [])}
        stays = list(application.stays.all())
        for stay in stays:
            stay.result = results.get(stay.index, {})
        context.update(
            {
                "application": application,
                "stays": stays,
                "members": application.members.all(),
                "documents": application.documents.select_related("uploaded_by"),
                "records": application.records.select_related("actor", "actor__staff"),
                "clocks": application.clocks.all(),
                "notices": list(application.notices.all()),
                "remedies": remedies_of(application),
                "task": task,
                "can_act": may_act,
                "form": form if may_act else None,
                "can_withdraw": can_withdraw(user, application),
                "withdraw_form": WithdrawForm(),
                "calculation": application.calculation,
                "stage_names": dict(Stage.choices),
                "payee": payee_masked(application),
                "payment_failure": payment_failure(application),
                # After a decision: on to the next case waiting for this user, or back to the inbox.
                "next_waiting": None if may_act else tasks_waiting(user).exclude(application=application).first(),
                "works_an_inbox": bool(stages_of(role_of(user))),
                "may_set_payee": can_set_payee(user, application),
            }
        )
        return context


class TaskView(ApplicationDetailView):
    """POST: complete the application's open task with the stage form; errors re-render the case page."""

    def post(self, request, pk, task_pk):
        try:
            self.application = application_get(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None
        task = Task.objects.filter(pk=task_pk, process_id=self.application.process_id).first()
        if task is None or task.flow_task is None or task.flow_task.name not in STAGE_FORMS:
            raise Http404(_("No such task."))
        if task.status not in OPEN_TASK_STATUSES:
            messages.error(request, str(task_not_open_error(task)))
            return redirect("workbench:application", pk=pk)
        stage = task.flow_task.name
        if stage != self.application.stage:
            raise Http404(_("No such task."))
        form = stage_form(self.application, request.POST, request.FILES)
        if form.is_valid():
            documents = []
            if form.cleaned_data.get("file"):
                documents.append(UploadedDocument(form.cleaned_data.get("kind") or "other", form.cleaned_data["file"]))
            try:
                task_complete(
                    user=request.user,
                    task_id=task_pk,
                    payload=stage_payload(stage, form.cleaned_data, form.changed_data),
                    documents=documents,
                )
            except NotFound:
                raise Http404(_("No such task.")) from None
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except TaskNotOpen as error:
                messages.error(request, str(error))
                return redirect("workbench:application", pk=pk)
            except (InputErrors, Conflict) as error:
                for field, field_messages in error.errors.items():
                    for message in field_messages:
                        target = field.split(".")[0].split("[")[0]
                        form.add_error(target if target in form.fields else None, message)
            else:
                messages.success(request, STAGE_DONE_MESSAGES[stage])
                return redirect("workbench:application", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
