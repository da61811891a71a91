"""Auditor screens: search the audit log, export it as CSV, read one application's whole history."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.audit.exports import audit_export
from aidflow.audit.labels import action_labels, role_labels, stage_labels
from aidflow.audit.selectors import audit_filters, filtered_events
from aidflow.audit.services import audit_seal_reads
from aidflow.cases.selectors import application_get
from aidflow.core.errors import NotFound
from aidflow.core.labels import region_names
from aidflow.core.paging import EstimatedCountPaginator
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of

PAGE_SIZE = 100


class AuditorOnlyMixin:
    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) != Role.AUDITOR:
            return HttpResponseForbidden(_("Only auditors read the audit log."))
        return super().dispatch(request, *args, **kwargs)


class AuditSearchView(AuditorOnlyMixin, TemplateView):
    template_name = "audit/search.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        audit_seal_reads()  # the reads of the last minute too
        filters = audit_filters(self.request.GET)
        events = filtered_events(self.request.user, filters)
        page = EstimatedCountPaginator(events, PAGE_SIZE, key="seq").get_page(self.request.GET.get("page"))
        context.update(
            {
                "page": page,
                "events": page.object_list,
                "filters": filters,
                # The vocabulary, not a scan of the log: the list costs nothing at millions of events.
                "actions": sorted(action_labels().items(), key=lambda item: str(item[1])),
                "action_labels": action_labels(),
                "role_labels": role_labels(),
                "stage_labels": stage_labels(),
                "region_labels": region_names({event.region for event in page.object_list}),
                "query": self.request.GET.urlencode(),
            }
        )
        return context


class AuditExportView(AuditorOnlyMixin, View):
    """The filtered events as CSV (UTF-8 with BOM so spreadsheet programs read the Chinese); audited."""

    def get(self, request):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        audit_seal_reads()
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        audit_export(user=request.user, filters=audit_filters(request.GET), out=response)
        return response


class ApplicationHistoryView(TemplateView):
    """Every audited event of one application, oldest first, for staff and auditors in scope."""

    template_name = "audit/application_history.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        try:
            application = application_get(user=self.request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404(_("No such application.")) from None
        context["application"] = application
        audit_seal_reads()
        context["events"] = application.audit_events.order_by("seq")
        context.update(action_labels=action_labels(), role_labels=role_labels(), stage_labels=stage_labels())
        return context
