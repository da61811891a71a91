"""The public disclosure page (公示): no login, masked, rate-limited per client address."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from aidflow.core.clients import client_ip, window_count
from aidflow.core.dates import month_value
from aidflow.regions.models import Level, Region
from aidflow.reports.disclosure import COLUMNS, disclosure_csv, disclosure_rows
from aidflow.reports.ledger import month_submitted

RATE = 30  # requests per client address and minute


def _limited(request) -> bool:
    return window_count("disclosure", client_ip(request), 60) > RATE


@method_decorator(login_not_required, name="dispatch")
class DisclosureView(View):
    def get(self, request, county: str, month: str):
        if _limited(request):
            response = HttpResponse(
                "请求过于频繁，请稍后再试。Too many requests.", status=429, content_type="text/plain; charset=utf-8"
            )
            response["Retry-After"] = "60"
            return response
        region = Region.objects.filter(code=county, level=Level.COUNTY).first()
        parsed = month_value(month)
        if parsed is None:
            raise Http404("No such month.")
        year, number = parsed
        if region is None:
            raise Http404("No such county.")
        rows = disclosure_rows(county=county, year=year, month=number)
        if request.GET.get("format") == "csv":
            response = HttpResponse(disclosure_csv(rows), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="disclosure-{county}-{month}.csv"'
            return response
        cases = [row for row in rows if not row.get("note")]
        total = sum((Decimal(row["amount"]) for row in cases), Decimal("0.00"))
        report = month_submitted(county, year, number)
        return render(
            request,
            "reports/disclosure.html",
            {
                "rows": rows,
                "columns": COLUMNS,
                "county_name": region.full_name,
                "month": month,
                "total": total,
                "cases": len(cases),
                "corrections": len(rows) - len(cases),
                "frozen": report.signed_at if report is not None else None,
            },
        )
