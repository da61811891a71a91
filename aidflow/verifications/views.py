"""The verification screens: the list for the patient's township and the county, one verification
with the township's answer form, and the county approver's "ask the patient" from a settlement. A
finding on a paid settlement carries the revoke form, filled with what the patient said."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.formerrors import add_service_errors
from aidflow.core.identity import mask_name
from aidflow.recoveries.forms import RevokeForm, revocation_context
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.settlements.models import ClaimStatus
from aidflow.verifications.models import VerificationMethod, VerificationStatus
from aidflow.verifications.selectors import verification_get, verifications_ordered, verifications_visible
from aidflow.verifications.services import verification_answer, verification_request

YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


class AnswerForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("How the patient was asked"), choices=VerificationMethod.choices, widget=forms.RadioSelect
    )
    stay_happened = forms.ChoiceField(
        label=gettext_lazy("Did the stay happen?"), choices=YES_NO, widget=forms.RadioSelect
    )
    patient_paid = forms.DecimalField(
        label=gettext_lazy("What the patient says they paid the hospital (yuan)"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=2000, required=False, widget=forms.Textarea)


class VerificationListView(TemplateView):
    template_name = "verifications/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        queryset = verifications_visible(self.request.user)
        if status in VerificationStatus.values:
            queryset = queryset.filter(status=status)
        page = Paginator(verifications_ordered(queryset), 50).get_page(self.request.GET.get("page"))
        for verification in page:
            verification.patient_shown = mask_name(verification.settlement.name)
        context.update({"page": page, "status": status, "statuses": VerificationStatus.choices})
        return context


class VerificationDetailView(TemplateView):
    template_name = "verifications/detail.html"

    def _verification(self, pk):
        try:
            return verification_get(user=self.request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such verification.")) from None

    def get_context_data(self, answer_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        verification = self._verification(kwargs["pk"])
        settlement = verification.settlement
        user = self.request.user
        role = role_of(user)
        may_answer = (
            verification.status == VerificationStatus.OPEN
            and role in (Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER)
            and in_scope(user, verification.region)
        )
        revoke_form = RevokeForm(
            initial={
                "reasons": _("The patient's answer contradicts the settlement slip."),
                "facts": verification.finding_text,
            }
        )
        claim = settlement.claim
        context.update(
            {
                "verification": verification,
                "settlement": settlement,
                "patient_shown": mask_name(settlement.name),
                "may_answer": may_answer,
                "answer_form": answer_form or AnswerForm(),
                "county_view": role in (Role.COUNTY_APPROVER, Role.AUDITOR),
                "claim_in_review": claim is not None and claim.status == ClaimStatus.SUBMITTED,
            }
        )
        if verification.finding and role == Role.COUNTY_APPROVER:
            context.update(revocation_context(user, settlement=settlement, form=revoke_form))
        return context

    def post(self, request, pk):
        verification = self._verification(pk)
        form = AnswerForm(request.POST)
        try:
            if form.is_valid():
                data = {
                    "method": form.cleaned_data["method"],
                    "stay_happened": form.cleaned_data["stay_happened"] == "yes",
                    "note": form.cleaned_data["note"],
                }
                if form.cleaned_data["patient_paid"] is not None:
                    data["patient_paid"] = str(form.cleaned_data["patient_paid"])
                verification = verification_answer(user=request.user, pk=verification.pk, data=data)
                if verification.finding:
                    messages.warning(request, _("Recorded. The answer contradicts the slip: the county is told."))
                else:
                    messages.success(request, _("Recorded. The answer agrees with the slip."))
                return redirect("workbench:verification", pk=verification.pk)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        return self.render_to_response(self.get_context_data(pk=pk, answer_form=form), status=400)


class SettlementVerificationView(View):
    """POST from the settlement page: the county approver asks the patient's township."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            verification = verification_request(user=request.user, settlement_id=pk)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        except Conflict as error:
            messages.error(request, " ".join(str(message) for items in error.errors.values() for message in items))
            return redirect("workbench:settlement", pk=pk)
        messages.success(request, _("The patient's township is asked to verify the stay."))
        return redirect("workbench:verification", pk=verification.pk)
