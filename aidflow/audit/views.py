"""Auditor screens: search the audit log, export it as CSV, read one application's whole history."""

from __future__ import annotations

import csv
import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.audit.models import AuditEvent
from aidflow.audit.services import audit_record
from aidflow.cases import services as case_services
from aidflow.regions.models import Role
from aidflow.regions.scope import scope_codes, scope_q

PAGE_SIZE = 100
AUDIT_PERMISSIONS = ["regions.audit_region"]


def auditor_events(user):
    """Events inside the auditor's regions; events with no region (logins of unknown names, imports)
    are shown to auditors of a city or a province."""
    queryset = AuditEvent.objects.filter(scope_q(user, "region", AUDIT_PERMISSIONS))
    if any(len(code) <= 4 for code in scope_codes(user, AUDIT_PERMISSIONS)):
        queryset = queryset | AuditEvent.objects.filter(region="")
    return queryset


def _parse_date(value: str | None):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filtered_events(request):
    queryset = auditor_events(request.user)
    filters = {
        "actor": (request.GET.get("actor") or "").strip(),
        "region": (request.GET.get("region") or "").strip(),
        "action": (request.GET.get("action") or "").strip(),
        "date_from": request.GET.get("date_from") or "",
        "date_to": request.GET.get("date_to") or "",
    }
    if filters["actor"]:
        queryset = queryset.filter(actor_name__icontains=filters["actor"])
    if filters["region"].isdigit():
        queryset = queryset.filter(region__startswith=filters["region"])
    if filters["action"]:
        queryset = queryset.filter(action=filters["action"])
    start, end = _parse_date(filters["date_from"]), _parse_date(filters["date_to"])
    if start:
        queryset = queryset.filter(at__gte=timezone.make_aware(datetime.datetime.combine(start, datetime.time.min)))
    if end:
        queryset = queryset.filter(
            at__lt=timezone.make_aware(datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min))
        )
    return queryset.select_related("application").order_by("-seq"), filters


class AuditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if case_services.role_of(request.user) != Role.AUDITOR:
            return HttpResponseForbidden(_("Only auditors read the audit log."))
        return super().dispatch(request, *args, **kwargs)


class AuditSearchView(AuditorOnlyMixin, TemplateView):
    template_name = "audit/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events, filters = filtered_events(self.request)
        page = Paginator(events, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(
            {
                "page": page,
                "events": page.object_list,
                "filters": filters,
                "actions": sorted(set(AuditEvent.objects.values_list("action", flat=True).distinct())),
                "query": self.request.GET.urlencode(),
            }
        )
        return context


class AuditExportView(AuditorOnlyMixin, View):
    """The filtered events as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese); audited."""

    def get(self, request):
        events, filters = filtered_events(request)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["seq", "at", "actor", "role", "region", "action", "application", "stage", "details", "hash"])
        count = 0
        for event in events.iterator(chunk_size=2000):
            writer.writerow(
                [
                    event.seq,
                    timezone.localtime(event.at).isoformat(),
                    event.actor_name,
                    event.role,
                    event.region,
                    event.action,
                    event.application.number if event.application_id else "",
                    event.stage,
                    event.details,
                    event.hash,
                ]
            )
            count += 1
        audit_record(actor=request.user, action="audit_exported", details={"filters": filters, "rows": count})
        return response


class ApplicationHistoryView(TemplateView):
    """Every audited event of one application, oldest first, for staff and auditors in scope."""

    template_name = "audit/application_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            application = case_services.application_get(user=self.request.user, pk=kwargs["pk"])
        except case_services.NotFound:
            raise Http404(_("No such application.")) from None
        context["application"] = application
        context["events"] = application.audit_events.order_by("seq")
        return context
