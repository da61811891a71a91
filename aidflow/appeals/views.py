"""The case page's appeal forms: the county approver records a reconsideration or a lawsuit and
its outcome; on an error the case page is shown again with the errors beside the fields."""

from django.http import Http404, HttpResponseForbidden
from django.utils.translation import gettext as _

from aidflow.appeals.forms import AppealForm, OutcomeForm
from aidflow.appeals.selectors import may_record_appeals
from aidflow.appeals.services import appeal_outcome_record, appeal_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.formerrors import add_service_errors
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from workflows.views import CaseFormView


class AppealFormView(CaseFormView):
    """Who may post here at all, asked before the form is read: the county approver of the case's county."""

    def refused(self):
        if role_of(self.request.user) != Role.COUNTY_APPROVER:
            return HttpResponseForbidden(
                _("Only the county approver records reconsiderations, lawsuits and their outcomes.")
            )
        if not may_record_appeals(self.request.user, self.application):
            raise Http404(_("No such application."))
        return None


class AppealView(AppealFormView):
    """POST: record a reconsideration application or a lawsuit."""

    def post(self, request, pk):
        self.load(pk)
        if refused := self.refused():
            return refused
        form = AppealForm(request.POST)
        if form.is_valid():
            try:
                appeal_record(user=request.user, application_id=pk, data=form.cleaned_data)
            except NotFound:
                raise Http404(_("No such application.")) from None
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except (InputErrors, Conflict) as error:
                add_service_errors(form, error.errors)
            else:
                return self.done(_("The appeal was recorded."))
        return self.again(appeal_form=form)


class AppealOutcomeView(AppealFormView):
    """POST: record an appeal's outcome with its decision document."""

    def post(self, request, pk, appeal_pk):
        self.load(pk)
        if refused := self.refused():
            return refused
        form = OutcomeForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                appeal_outcome_record(
                    user=request.user,
                    application_id=pk,
                    appeal_id=appeal_pk,
                    data=form.cleaned_data,
                    file=form.cleaned_data["document"],
                )
            except NotFound:
                raise Http404(_("No such appeal.")) from None
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            except (InputErrors, Conflict) as error:
                add_service_errors(form, error.errors)
            else:
                return self.done(_("The outcome was recorded."))
        if request.FILES.get("document"):
            form.add_error("document", _("The file was not kept: choose it again before you submit."))
        return self.again(outcome_form=form, outcome_appeal=appeal_pk)
