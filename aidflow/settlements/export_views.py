"""The settlement and claim lists as workbooks (every export is recorded by its service)."""

from __future__ import annotations

from django.utils import timezone
from django.views import View

from aidflow.core.downloads import attachment_bytes
from aidflow.core.sheets import XLSX_TYPE
from aidflow.settlements.exports import claims_export, settlements_export
from aidflow.settlements.forms import list_filters


class SettlementListExportView(View):
    def get(self, request):
        month, state, q, _error = list_filters(request.GET)
        data = settlements_export(user=request.user, month=month, status=state, q=q)
        name = f"一站式结算-{timezone.localdate().isoformat()}.xlsx"
        return attachment_bytes(data, filename=name, content_type=XLSX_TYPE)


class ClaimListExportView(View):
    def get(self, request):
        data = claims_export(user=request.user)
        name = f"月度结算申请-{timezone.localdate().isoformat()}.xlsx"
        return attachment_bytes(data, filename=name, content_type=XLSX_TYPE)
