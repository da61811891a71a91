"""The on-time statistics page for county approvers and auditors."""

import datetime

from django.http import HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.reports.services import chart_bars, ontime_statistics, report_scope


def _date(value, default):
    try:
        return datetime.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class OnTimeView(TemplateView):
    template_name = "reports/ontime.html"

    def dispatch(self, request, *args, **kwargs):
        if not report_scope(request.user):
            return HttpResponseForbidden(_("On-time statistics are for county approvers and auditors."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        date_from = _date(self.request.GET.get("from"), today.replace(month=1, day=1))
        date_to = _date(self.request.GET.get("to"), today)
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
