"""The county's page on one hospital (INTERFACES section 15, item 4): what it settled for the
county, what was refused and why, what patients contradicted, how it compares, and its designation
(suspended or in force, with the link to the suspension form)."""

from __future__ import annotations

from django.http import Http404, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.core.labels.codes import REFUSAL
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.rolls.models import Hospital
from aidflow.settlements.hospital_figures import hospital_figures

READERS = (Role.COUNTY_APPROVER, Role.AUDITOR)


class HospitalDetailView(TemplateView):
    template_name = "settlements/hospital.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in READERS:
            return HttpResponseForbidden(_("The county's approver and auditors watch the hospitals."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hospital = Hospital.objects.select_related("county").filter(code=kwargs["code"]).first()
        if hospital is None:
            raise Http404(_("No such hospital."))
        figures = hospital_figures(user=self.request.user, hospital=hospital, today=timezone.localdate())
        for row in figures["refusals"]:
            row["name"] = REFUSAL.get(row["refusal_code"], row["refusal_code"])
        context.update(
            {
                "hospital": hospital,
                "suspension": hospital.live_suspension,
                "figures": figures,
                "may_suspend": role_of(self.request.user) == Role.COUNTY_APPROVER,
            }
        )
        return context
