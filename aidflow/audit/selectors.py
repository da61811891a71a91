"""Reads of the audit log for auditors: their regions' events, filtered."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from aidflow.audit.models import AuditEvent
from aidflow.core.dates import date_param, day_bounds
from aidflow.regions.models import StaffProfile
from aidflow.regions.scope import scope_codes, scope_q

AUDIT_PERMISSIONS = ["regions.audit_region"]


def _regionless_q(codes: list[str]) -> Q | None:
    """Which events without a region (sign-ins, tokens, a hospital clerk's roll look-ups, imports)
    auditors of these regions see: all of them at the province; at a city, those whose actor works
    in that city (by region, or by the hospital's county), named by account or, for a failed
    sign-in without one, by username; none below a city."""
    if any(len(code) <= 2 for code in codes):
        return Q()
    cities = [code for code in codes if len(code) in (3, 4)]
    if not cities:
        return None
    staff_in = Q()
    for code in cities:
        staff_in |= Q(region__code__startswith=code) | Q(hospital__county__code__startswith=code)
    staff = StaffProfile.objects.filter(staff_in)
    return Q(actor_id__in=staff.values("user_id")) | Q(
        actor__isnull=True, actor_name__in=staff.values("user__username")
    )


def auditor_events(user):
    """Events inside the auditor's regions, and the events without a region _regionless_q lets
    the auditor see."""
    queryset = AuditEvent.objects.filter(scope_q(user, "region", AUDIT_PERMISSIONS))
    regionless = _regionless_q(scope_codes(user, AUDIT_PERMISSIONS))
    if regionless is not None:
        queryset = queryset | AuditEvent.objects.filter(regionless, region="")
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
