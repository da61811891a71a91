"""Reads of the audit log for auditors: their regions' events, filtered."""

from __future__ import annotations

from django.db.models import QuerySet

from aidflow.audit.models import AuditEvent
from aidflow.core.dates import date_param, day_bounds
from aidflow.regions.scope import scope_codes, scope_q

AUDIT_PERMISSIONS = ["regions.audit_region"]


def auditor_events(user):
    """Events inside the auditor's regions; events with no region (logins of unknown names, imports)
    are shown to auditors of a city or a province."""
    queryset = AuditEvent.objects.filter(scope_q(user, "region", AUDIT_PERMISSIONS))
    if any(len(code) <= 4 for code in scope_codes(user, AUDIT_PERMISSIONS)):
        queryset = queryset | AuditEvent.objects.filter(region="")
    return queryset


def audit_filters(params) -> dict:
    """The search form's filters from query parameters, as entered."""
    return {
        "actor": (params.get("actor") or "").strip(),
        "region": (params.get("region") or "").strip(),
        "action": (params.get("action") or "").strip(),
        "date_from": params.get("date_from") or "",
        "date_to": params.get("date_to") or "",
    }


def filtered_events(user, filters: dict) -> QuerySet[AuditEvent]:
    """The auditor's events matching the filters, newest first."""
    queryset = auditor_events(user)
    if filters["actor"]:
        queryset = queryset.filter(actor_name__icontains=filters["actor"])
    if filters["region"].isdigit():
        queryset = queryset.filter(region__startswith=filters["region"])
    if filters["action"]:
        queryset = queryset.filter(action=filters["action"])
    start, end = day_bounds(date_param(filters["date_from"]), date_param(filters["date_to"]))
    if start:
        queryset = queryset.filter(at__gte=start)
    if end:
        queryset = queryset.filter(at__lt=end)
    return queryset.select_related("application").order_by("-seq")
