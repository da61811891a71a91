"""The premium subsidy screens: the county's rosters with the build form, and one roster with its
persons (masked), the confirmation with the insurance fund's account, the agency's file and the
upload of its answer."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound, error_messages
from aidflow.core.identity import mask_name, mask_resident_id
from aidflow.core.labels import label
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_codes
from aidflow.subsidies.services import (
    fund_account_of,
    roster_build,
    roster_confirm,
    roster_discard,
    roster_get,
    roster_payable_amount,
    roster_results,
    roster_workbook,
    rosters_visible,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
READERS = (Role.COUNTY_APPROVER, Role.COUNTY_FINANCE, Role.AUDITOR)


class RosterListView(TemplateView):
    template_name = "subsidies/list.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in READERS:
            return HttpResponseForbidden(_("Premium subsidies are for county approvers, county finance and auditors."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rosters"] = list(rosters_visible(self.request.user)[:100])
        context["may_build"] = role_of(self.request.user) == Role.COUNTY_APPROVER
        context["county"] = next((code[:6] for code in scope_codes(self.request.user) if len(code) >= 6), "")
        context["year"] = self.request.POST.get("year") or timezone.localdate().year
        return context

    def post(self, request, *args, **kwargs):
        data = {"county": request.POST.get("county"), "year": request.POST.get("year")}
        try:
            roster = roster_build(user=request.user, data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict, NotFound) as error:
            context = self.get_context_data()
            context["page_errors"] = error_messages(error)
            return self.render_to_response(context, status=409 if isinstance(error, Conflict) else 400)
        messages.success(request, _("The roster was built: review it and confirm it."))
        return redirect(reverse("workbench:premium_roster", args=[roster.pk]))


class RosterDetailView(TemplateView):
    template_name = "subsidies/detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            roster = roster_get(user=self.request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404(_("No such roster.")) from None
        page = Paginator(roster.entries.order_by("id_number"), 100).get_page(self.request.GET.get("page"))
        context.update(
            {
                "roster": roster,
                "page": page,
                "entries": [
                    {
                        "id_number": mask_resident_id(entry.id_number),
                        "name": mask_name(entry.name),
                        "category": label("category", entry.category),
                        "region": entry.region,
                        "amount": entry.amount,
                        "result": entry.result,
                        "reason": entry.reason,
                    }
                    for entry in page
                ],
                "payable": roster_payable_amount(roster),
                "may_decide": role_of(self.request.user) == Role.COUNTY_APPROVER,
                "account_default": fund_account_of(roster.county),
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action")
        pk = kwargs["pk"]
        try:
            if action == "confirm":
                data = {key: request.POST.get(key, "") for key in ("payee", "bank", "account")}
                roster_confirm(user=request.user, pk=pk, data=data)
                messages.success(request, _("The roster was confirmed: it is payable and may be sent to the agency."))
            elif action == "discard":
                roster_discard(user=request.user, pk=pk)
                messages.success(request, _("The draft roster was discarded."))
                return redirect(reverse("workbench:premium_rosters"))
            elif action == "results":
                roster_results(user=request.user, pk=pk, upload=request.FILES.get("file"))
                messages.success(request, _("The agency's answer was recorded."))
            else:
                raise InputErrors({"action": [_("Choose an action.")]})
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except NotFound:
            raise Http404(_("No such roster.")) from None
        except (InputErrors, Conflict) as error:
            context = self.get_context_data(**kwargs)
            context["page_errors"] = error_messages(error)
            return self.render_to_response(context, status=409 if isinstance(error, Conflict) else 400)
        return redirect(reverse("workbench:premium_roster", args=[pk]))


class RosterExportView(View):
    def get(self, request, pk):
        try:
            roster, data = roster_workbook(user=request.user, pk=pk)
        except (NotFound, Conflict):
            raise Http404(_("No such roster to send.")) from None
        return attachment_bytes(data, filename=f"资助参保名册-{roster.number}.xlsx", content_type=XLSX)
