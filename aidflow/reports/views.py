"""The on-time statistics page for county approvers and auditors."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.dates import date_param, period_defaults
from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.recoveries.selectors import recoveries_month
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of, scope_codes
from aidflow.reports.city_review import latest_review, review_state, state_names
from aidflow.reports.confirmations import signoff_confirmation
from aidflow.reports.estimate import annual_estimate, estimate_params
from aidflow.reports.groups import check_lines, group_name, named_tables
from aidflow.reports.ledger import (
    READERS,
    late_corrections,
    ledger_params,
    month_sign_off_day,
    month_submit,
    month_submitted,
)
from aidflow.reports.pdf import monthly_pdf
from aidflow.reports.person_file import person_file
from aidflow.reports.services import chart_bars, ontime_statistics, report_scope
from aidflow.reports.statistics import month_bounds, monthly_figures, monthly_series
from aidflow.reports.workbook import estimate_workbook, monthly_workbook
from aidflow.subsidies.services import premium_month

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class OnTimeView(TemplateView):
    """On-time rates per township and stage, with a bar per township."""

    template_name = "reports/ontime.html"

    def dispatch(self, request, *args, **kwargs):
        if not report_scope(request.user):
            return HttpResponseForbidden(_("On-time statistics are for county approvers and auditors."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        default_from, default_to = period_defaults()
        date_from = date_param(self.request.GET.get("from")) or default_from
        date_to = date_param(self.request.GET.get("to")) or default_to
        rows = ontime_statistics(user=self.request.user, date_from=date_from, date_to=date_to)
        context.update(
            {
                "rows": rows,
                "bars": chart_bars(rows),
                "date_from": date_from,
                "date_to": date_to,
            }
        )
        return context


class StatisticsView(TemplateView):
    """The month's ledger: figures and checks, the last 12 months as charts, the sign-off."""

    template_name = "reports/statistics.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in READERS:
            return HttpResponseForbidden(_("Monthly statistics are for county approvers, county finance and auditors."))
        return super().dispatch(request, *args, **kwargs)

    def _params(self, source):
        default_region = next((code for code in scope_codes(self.request.user) if len(code) in (4, 6)), "")
        region = source.get("region") or default_region
        month = source.get("month") or timezone.localdate().strftime("%Y-%m")
        return ledger_params(user=self.request.user, region=region, month=month)

    def get(self, request, *args, **kwargs):
        try:
            region, year, month = self._params(request.GET)
        except (InputErrors, NotFound) as error:
            text = error.text() if isinstance(error, InputErrors) else str(error)
            return render(request, self.template_name, {"error": text}, status=400)
        return render(request, self.template_name, self._context(region, year, month))

    def _context(self, region: str, year: int, month: int) -> dict:
        request = self.request
        figures = monthly_figures(region=region, year=year, month=month)
        report = month_submitted(region, year, month)
        first_day, last_day = month_bounds(year, month)
        series = monthly_series(region=region, year=year, month=month)
        first = datetime.date.fromisoformat(f"{series['months'][0]}-01")
        rows = [
            row
            for row in ontime_statistics(user=request.user, date_from=first, date_to=timezone.localdate())
            if row.region.startswith(region)
        ]
        names = dict(Region.objects.filter(code__in=[region, *series["by_region"]]).values_list("code", "name"))
        context = {
            "region": region,
            "region_name": names.get(region, region),
            "month": f"{year:04d}-{month:02d}",
            "figures": figures,
            "tables": named_tables(figures),
            "checks": check_lines(figures),
            "report": report,
            "late": late_corrections(report, figures) if report else [],
            # The city's review of the signature (INTERFACES section 14).
            "review_state": review_state(report),
            "review_state_name": state_names()[review_state(report)],
            "review": latest_review(report) if report else None,
            "may_resign": role_of(request.user) == Role.COUNTY_APPROVER and len(region) == 6,
            # Money owed back after revocations: made, repaid, offset and written off in the month.
            "recoveries": recoveries_month(region=region, first=first_day, last=last_day),
            "premium": premium_month(region=region, first=first_day, last=last_day),
            "may_submit": report is None and role_of(request.user) == Role.COUNTY_APPROVER and len(region) == 6,
            # A month is signed off from its report day on (INTERFACES section 11).
            "sign_off_from": month_sign_off_day(year, month),
            "sign_off_open": timezone.localdate() >= month_sign_off_day(year, month),
            "charts": {
                "months": series["months"],
                "by_region": [
                    {"label": names.get(code, code), "data": values}
                    for code, values in sorted(series["by_region"].items())
                ],
                "by_category": [
                    {"label": group_name("by_category", code), "data": values}
                    for code, values in sorted(series["by_category"].items())
                ],
                "ontime": _ontime_by_stage(rows),
            },
        }
        return context

    def post(self, request, *args, **kwargs):
        """The sign-off, once the month's totals are confirmed; an error is shown on the month's page
        and stays there (status 400 or 409)."""
        data = {"region": request.POST.get("region"), "month": request.POST.get("month")}
        try:
            region, year, month = self._params(data)
        except (InputErrors, NotFound) as error:
            text = error.text() if isinstance(error, InputErrors) else str(error)
            return render(request, self.template_name, {"error": text}, status=400)
        context = self._context(region, year, month)
        confirmation = signoff_confirmation(context["region_name"], context["month"], context["figures"])
        try:
            if context["may_submit"] and context["sign_off_open"] and not confirmation.given(request.POST):
                context["confirmation"] = confirmation.carry_post(request.POST)
                return render(request, self.template_name, context)
            month_submit(user=request.user, data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            context["page_errors"] = [message for values in error.errors.values() for message in values]
            return render(request, self.template_name, context, status=409 if isinstance(error, Conflict) else 400)
        messages.success(request, _("The month was submitted; its figures are frozen."))
        query = urlencode({"region": region, "month": context["month"]})
        return redirect(f"{reverse('workbench:statistics')}?{query}")


def _ontime_by_stage(rows) -> list[dict]:
    stages: dict[str, list[int]] = {}
    for row in rows:
        counts = stages.setdefault(row.stage_label, [0, 0])
        counts[0] += row.on_time
        counts[1] += row.completed
    return [
        {"stage": stage, "rate": round(100 * on_time / completed, 1) if completed else None}
        for stage, (on_time, completed) in stages.items()
    ]


class StatisticsExportView(View):
    """The month as a workbook (`format=xlsx`) or a printable PDF (`format=pdf`) with its signer."""

    def get(self, request):
        if role_of(request.user) not in READERS:
            return HttpResponseForbidden(_("Monthly statistics are for county approvers, county finance and auditors."))
        try:
            region, year, month = ledger_params(
                user=request.user, region=request.GET.get("region"), month=request.GET.get("month")
            )
        except (InputErrors, NotFound):
            raise Http404(_("No such month.")) from None
        report = month_submitted(region, year, month)
        figures = report.figures if report else monthly_figures(region=region, year=year, month=month)
        name = f"月报-{region}-{figures['month']}"
        if request.GET.get("format") == "pdf":
            data = monthly_pdf(figures, report)
            return attachment_bytes(data, filename=f"{name}.pdf", content_type="application/pdf", inline=True)
        signer = {}
        if report:
            signer = {
                "signer": report.signed_by.get_full_name() or report.signed_by.get_username(),
                "signed_at": timezone.localtime(report.signed_at).strftime("%Y-%m-%d %H:%M"),
                "sha256": report.sha256,
            }
        return attachment_bytes(monthly_workbook(figures, **signer), filename=f"{name}.xlsx", content_type=XLSX)


class PersonFileView(TemplateView):
    """Everything on one person within the user's region (a recorded read, like a case file)."""

    template_name = "reports/person.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            number = kwargs.get("id_number") or self.request.GET.get("id_number", "")
            context["person"] = person_file(user=self.request.user, id_number=number)
        except NotFound:
            raise Http404(_("No person with this ID number in your region.")) from None
        return context


class EstimateView(TemplateView):
    """Next year's fund needs of a county or city (INTERFACES section 14), on screen or as a workbook
    (`format=xlsx`)."""

    template_name = "reports/estimate.html"

    def get(self, request, *args, **kwargs):
        if role_of(request.user) not in READERS:
            return HttpResponseForbidden(
                _("The fund-needs estimate is for county approvers, county finance and auditors.")
            )
        default_region = next((code for code in scope_codes(request.user) if len(code) in (4, 6)), "")
        region, year = request.GET.get("region") or default_region, request.GET.get("year") or ""
        try:
            region, year = estimate_params(user=request.user, region=region, year=year)
        except (InputErrors, NotFound) as error:
            text = error.text() if isinstance(error, InputErrors) else str(error)
            return render(request, self.template_name, {"error": text, "region": region, "year": year}, status=400)
        estimate = annual_estimate(region=region, year=year)
        if request.GET.get("format") == "xlsx":
            name = f"资金需求估算-{region}-{estimate['estimate_year']}.xlsx"
            return attachment_bytes(estimate_workbook(estimate), filename=name, content_type=XLSX)
        return render(request, self.template_name, {"estimate": estimate, "region": region, "year": year})
