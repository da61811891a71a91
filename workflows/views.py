"""Task views of the medical-aid flow: validate the stage's form, call the one service, show the outcome."""

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task

from aidflow.cases import services
from aidflow.cases.views import ApplicationDetailView
from aidflow.policy.values import InputErrors
from workflows.forms import STAGE_FORMS, stage_form, stage_payload

STAGE_DONE_MESSAGES = {
    "village_check": _("Village check recorded."),
    "township_review": _("Township review recorded."),
    "county_approval": _("County decision recorded."),
    "supplement": _("Materials resubmitted."),
    "notice_delivery": _("Delivery recorded; the case is closed."),
}


class TaskView(ApplicationDetailView):
    """POST: complete the application's open task with the stage form; errors re-render the case page."""

    def post(self, request, pk, task_pk):
        try:
            self.application = services.application_get(user=request.user, pk=pk)
        except services.NotFound:
            raise Http404(_("No such application.")) from None
        task = Task.objects.filter(pk=task_pk, process_id=self.application.process_id).first()
        if task is None or task.flow_task is None or task.flow_task.name not in STAGE_FORMS:
            raise Http404(_("No such task."))
        if task.status not in services.OPEN_TASK_STATUSES:
            messages.error(request, str(services.task_not_open_error(task)))
            return redirect("workbench:application", pk=pk)
        stage = task.flow_task.name
        if stage != self.application.stage:
            raise Http404(_("No such task."))
        form = stage_form(self.application, request.POST, request.FILES)
        if form.is_valid():
            documents = []
            if form.cleaned_data.get("file"):
                documents.append(
                    services.UploadedDocument(form.cleaned_data.get("kind") or "other", form.cleaned_data["file"])
                )
            try:
                services.task_complete(
                    user=request.user,
                    task_id=task_pk,
                    payload=stage_payload(stage, form.cleaned_data, form.changed_data),
                    documents=documents,
                )
            except services.NotFound:
                raise Http404(_("No such task.")) from None
            except services.ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except services.TaskNotOpen as error:
                messages.error(request, str(error))
                return redirect("workbench:application", pk=pk)
            except InputErrors as error:
                for field, field_messages in error.errors.items():
                    for message in field_messages:
                        target = field.split(".")[0].split("[")[0]
                        form.add_error(target if target in form.fields else None, message)
            else:
                messages.success(request, STAGE_DONE_MESSAGES[stage])
                return redirect("workbench:application", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)
