"""The on-time statistics page for county approvers and auditors."""

from django.http import HttpResponseForbidden
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.core.dates import date_param, period_defaults
from aidflow.reports.services import chart_bars, ontime_statistics, report_scope


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
