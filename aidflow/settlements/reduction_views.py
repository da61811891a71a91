"""A hospital's monthly reduction ledger (便民惠民台账, POLICY section 9): the settlements of a month on
which the hospital reduced its fees or the emergency fund paid, as a page and as a workbook, for the
hospital's window clerks and the staff of its county."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import NotFound
from aidflow.core.identity import mask_resident_id
from aidflow.core.sheets import XLSX_TYPE
from aidflow.policy.requests import CATEGORY_NAMES
from aidflow.settlements.exports import reduction_ledger_export
from aidflow.settlements.forms import list_filters
from aidflow.settlements.selectors import ledger_hospital, ledger_hospitals, reduction_ledger, reduction_totals
from aidflow.settlements.services.reads import reduction_ledger_read


def _chosen(request):
    """The hospital (404 outside the user's scope) and the month (this month unless a valid one is given)."""
    month, _state, _q, error = list_filters(request.GET)
    try:
        hospital = ledger_hospital(request.user, request.GET.get("hospital", "").strip())
    except NotFound:
        raise Http404(_("No such hospital.")) from None
    return hospital, month or timezone.localdate().strftime("%Y-%m"), error


class ReductionLedgerView(TemplateView):
    template_name = "settlements/reductions.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        hospital, month, error = _chosen(self.request)
        settlements = reduction_ledger(hospital, month)
        page = Paginator(settlements, 50).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        reduction_ledger_read(user=self.request.user, hospital=hospital, month=month, settlements=rows)
        for settlement in rows:
            settlement.masked_id = mask_resident_id(settlement.id_number)
            settlement.category_name = CATEGORY_NAMES.get(settlement.category, settlement.category)
        context.update(
            {
                "hospital": hospital,
                "hospitals": ledger_hospitals(self.request.user),
                "month": month,
                "error": error,
                "page": page,
                "rows": rows,
                "totals": reduction_totals(settlements),
                "query": urlencode({"hospital": hospital.code, "month": month}),
            }
        )
        return context


class ReductionLedgerExportView(View):
    def get(self, request):
        hospital, month, _error = _chosen(request)
        data = reduction_ledger_export(user=request.user, hospital=hospital, month=month)
        name = f"便民惠民台账-{hospital.code}-{month}.xlsx"
        return attachment_bytes(data, filename=name, content_type=XLSX_TYPE)
