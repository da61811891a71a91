"""The revocation and recovery screens: the revoke form on the case page and on the settlement page
(county approver), and the recoveries' list and detail (the county's finance officers record
repayments and propose write-offs there; the approver signs write-offs off)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.formerrors import add_service_errors
from aidflow.core.identity import mask_name
from aidflow.recoveries.confirmations import revocation_confirmation
from aidflow.recoveries.forms import EntryForm, RevokeForm, WriteOffDecisionForm
from aidflow.recoveries.models import DebtorKind, EntryStatus, RecoveryStatus
from aidflow.recoveries.selectors import recoveries_visible, recovery_entries, recovery_get
from aidflow.recoveries.services.entries import entry_record, write_off_decide
from aidflow.recoveries.services.revoke import application_revoke, approver_check, settlement_revoke
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.settlements.selectors import settlement_get
from aidflow.settlements.views import SettlementDetailView
from workflows.views import CaseFormView


def _confirm_or_revoke(view, request, form, *, reference, name, amount, revoke):
    """Ask first; on the confirming POST revoke. Returns the response to a question, or None when done."""
    confirmation = revocation_confirmation(
        reference=reference, name=name, amount=amount, reasons=form.cleaned_data["reasons"]
    )
    if not confirmation.given(request.POST):
        confirmation.carry_post(request.POST)
        return confirmation
    revoke(data=form.cleaned_data)
    return None


class ApplicationRevokeView(CaseFormView):
    """POST from the case page: the county approver revokes the approval (confirmed first)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        self.load(pk)
        application = self.application
        form = RevokeForm(request.POST)
        try:
            approver_check(request.user)
            if form.is_valid():
                asked = _confirm_or_revoke(
                    self,
                    request,
                    form,
                    reference=application.number,
                    name=application.patient_full_name,
                    amount=application.amount,
                    revoke=lambda data: application_revoke(user=request.user, pk=pk, data=data),
                )
                if asked is None:
                    return self.done(_("The approval was revoked; the revocation notice is issued."))
                return self.again(status=200, revoke_form=form, confirmation=asked)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        return self.again(revoke_form=form)


class SettlementRevokeView(SettlementDetailView):
    """POST from the settlement page: the county approver revokes the settlement (confirmed first)."""

    http_method_names = ["post"]

    def post(self, request, pk):
        try:
            settlement = settlement_get(request.user, pk)
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        form = RevokeForm(request.POST)
        try:
            approver_check(request.user)
            if form.is_valid():
                asked = _confirm_or_revoke(
                    self,
                    request,
                    form,
                    reference=settlement.number,
                    name=settlement.name,
                    amount=settlement.amount,
                    revoke=lambda data: settlement_revoke(user=request.user, pk=pk, data=data),
                )
                if asked is None:
                    messages.success(request, _("The settlement was revoked; the revocation notice is issued."))
                    return redirect("workbench:settlement", pk=pk)
                return self.render_to_response(self.get_context_data(pk=pk, revoke_form=form, confirmation=asked))
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        return self.render_to_response(self.get_context_data(pk=pk, revoke_form=form), status=400)


def debtor_shown(recovery) -> str:
    return mask_name(recovery.debtor) if recovery.debtor_kind == DebtorKind.PAYEE else recovery.debtor


class RecoveryListView(TemplateView):
    """The county's recoveries, open ones first: what is owed, by whom (a payee's name masked)."""

    template_name = "recoveries/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status", "")
        queryset = recoveries_visible(self.request.user).order_by("status", "-created_at", "-pk")
        if status in RecoveryStatus.values:
            queryset = queryset.filter(status=status)
        page = Paginator(queryset, 50).get_page(self.request.GET.get("page"))
        for recovery in page:
            recovery.debtor_shown = debtor_shown(recovery)
        context.update({"page": page, "status": status, "statuses": RecoveryStatus.choices})
        return context


class RecoveryDetailView(TemplateView):
    """One recovery: its revocation, repayments, offsets and write-offs; the finance officer records a
    repayment or proposes a write-off, the approver signs a proposed write-off off."""

    template_name = "recoveries/detail.html"

    def _recovery(self, pk):
        try:
            return recovery_get(user=self.request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such recovery.")) from None

    def get_context_data(self, entry_form=None, decision_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        recovery = self._recovery(kwargs["pk"])
        recovery.debtor_shown = debtor_shown(recovery)
        entries = recovery_entries(recovery)
        role = role_of(self.request.user)
        proposed = next((entry for entry in entries if entry.status == EntryStatus.PROPOSED), None)
        context.update(
            {
                "recovery": recovery,
                "entries": entries,
                "proposed": proposed,
                "may_record": role == Role.COUNTY_FINANCE and recovery.status == RecoveryStatus.OPEN,
                "may_decide": role == Role.COUNTY_APPROVER
                and proposed is not None
                and proposed.recorded_by_id != self.request.user.pk,
                "entry_form": entry_form or EntryForm(initial={"amount": recovery.outstanding}),
                "decision_form": decision_form or WriteOffDecisionForm(),
            }
        )
        return context

    def post(self, request, pk):
        recovery = self._recovery(pk)
        deciding = "decision" in request.POST
        form = WriteOffDecisionForm(request.POST) if deciding else EntryForm(request.POST)
        try:
            if form.is_valid():
                data = dict(form.cleaned_data)
                if deciding:
                    write_off_decide(user=request.user, pk=recovery.pk, data=data)
                    messages.success(request, _("The write-off decision was recorded."))
                else:
                    data["recovery"] = recovery.pk
                    data["day"] = data["day"].isoformat() if data.get("day") else None
                    data["amount"] = str(data["amount"])
                    entry_record(user=request.user, data={k: v for k, v in data.items() if v is not None})
                    messages.success(request, _("Recorded."))
                return redirect("workbench:recovery", pk=recovery.pk)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        forms_given = {"decision_form": form} if deciding else {"entry_form": form}
        return self.render_to_response(self.get_context_data(pk=pk, **forms_given), status=400)
