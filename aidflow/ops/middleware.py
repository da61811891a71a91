"""Middleware for running AidFlow: request ids and logs, the probe and metrics endpoints, and which
requests read from the replica.

`RequestLogMiddleware` (first): an id per request for the logs and the answer's X-Request-ID, and
with LOG_FORMAT=json one line per request (method, path without its query, status, time).

`OpsEndpointsMiddleware` (right after SecurityMiddleware): answers GET /healthz, /readyz and
/metrics itself, before sessions, sign-in, locale, CSRF and rate limits - a probe needs none of them
and must not create a session at every call. They are exempt from the HTTPS redirect
(settings.SECURE_REDIRECT_EXEMPT) and do not check the Host header, so the orchestrator may call
the process by its address; their answers carry no personal data and are never cached.

`ReplicaRoutingMiddleware` (after authentication): the report screens read from the replica
(aidflow.core.replica); a signed-in user's successful POST pins their reads to the primary for
DATABASE_REPLICA_PIN_SECONDS.
"""

from __future__ import annotations

import hmac
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse

from aidflow.core.replica import replica_configured, replica_reads_begin, replica_reads_end
from aidflow.ops.logs import request_id, request_id_for

logger = logging.getLogger("aidflow.request")
PROBES = {"/healthz", "/readyz", "/metrics"}
# The answers of the endpoints above: nothing to run, frame or cache.
ENDPOINT_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Not reset at the end: Django logs a 4xx or 5xx answer after the middleware has returned,
        # and that line must carry the id too. The next request sets its own.
        request_id.set(request_id_for(request.headers.get("X-Request-ID")))
        started = time.monotonic()
        response = self.get_response(request)
        response["X-Request-ID"] = request_id.get()
        if settings.LOG_FORMAT == "json" and not (request.path in PROBES and response.status_code < 400):
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                    "view": getattr(getattr(request, "resolver_match", None), "view_name", None),
                },
            )
        return response


class OpsEndpointsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in PROBES:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = HttpResponse(status=405)
            response["Allow"] = "GET, HEAD"
        elif request.path == "/healthz":
            response = JsonResponse({"status": "ok"})
        elif request.path == "/readyz":
            response = readyz()
        else:
            response = metrics(request)
        for header, value in ENDPOINT_HEADERS.items():
            response[header] = value
        return response


def readyz() -> JsonResponse:
    from aidflow.ops.health import readiness

    ready, parts = readiness()
    failing = [name for name, state in parts.items() if state != "ok" and name != "replica"]
    body = {"status": "ready" if ready else "unavailable", "checks": parts}
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=200 if ready else 503)


def metrics(request) -> HttpResponse:
    """Prometheus' text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    expected = settings.METRICS_TOKEN
    if expected:
        given = request.headers.get("Authorization", "")
        if not given.startswith("Bearer "):
            response = HttpResponse("metrics need a token\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not hmac.compare_digest(given.removeprefix("Bearer ").encode(), expected.encode()):
            return HttpResponse("wrong metrics token\n", status=403, content_type="text/plain")
    from prometheus_client import CONTENT_TYPE_LATEST

    from aidflow.ops.metrics import metrics_text

    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


# Screens whose reads may be seconds old: statistics, the audit log, exports, a case's audit trail.
REPORT_VIEWS = frozenset(
    {
        "workbench:statistics",
        "workbench:statistics_export",
        "workbench:ontime",
        "workbench:audit",
        "workbench:audit_export",
        "workbench:application_history",
        "workbench:applications_export",
        "workbench:inbox_export",
        "workbench:settlements_export",
        "workbench:claims_export",
        "workbench:payment_report",
        "workbench:payment_report_export",
        "api:ontime",
        "api:statistics_monthly",
        "api:statistics_workbook",
        "api:history",
        "disclosure",
    }
)
# Lists that go to the replica when an auditor reads them (those who work the cases read the primary).
AUDITOR_LISTS = frozenset(
    {
        "workbench:applications",
        "workbench:settlements",
        "workbench:claims",
        "api:applications",
        "api:settlements",
        "api:claims",
    }
)
PIN_SESSION_KEY = "aidflow_primary_until"


def _pin_cache_key(user) -> str:
    return f"aidflow:primary-pin:{user.pk}"


def pinned_to_primary(request) -> bool:
    """Whether this request's user wrote within DATABASE_REPLICA_PIN_SECONDS (session or cache:
    the API's token clients have no session)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    session = getattr(request, "session", None)
    if session is not None and session.get(PIN_SESSION_KEY, 0) > time.time():
        return True
    return bool(cache.get(_pin_cache_key(user)))


def pin_to_primary(request) -> None:
    seconds = settings.DATABASE_REPLICA_PIN_SECONDS
    user = getattr(request, "user", None)
    if not seconds or user is None or not user.is_authenticated:
        return
    session = getattr(request, "session", None)
    if session is not None:
        session[PIN_SESSION_KEY] = time.time() + seconds
    cache.set(_pin_cache_key(user), 1, seconds)


def _is_auditor(user) -> bool:
    from aidflow.regions.models import Role
    from aidflow.regions.scope import role_of

    return user is not None and user.is_authenticated and role_of(user) == Role.AUDITOR


class ReplicaRoutingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        try:
            response = self.get_response(request)
        finally:
            token = getattr(request, "_replica_reads_token", None)
            if token is not None:
                replica_reads_end(token)
        if request.method not in {"GET", "HEAD", "OPTIONS"} and response.status_code < 400:
            pin_to_primary(request)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not replica_configured() or request.resolver_match is None:
            return None
        name = request.resolver_match.view_name
        if name in REPORT_VIEWS:
            request._replica_reads_token = replica_reads_begin(lambda: not pinned_to_primary(request))
        elif name in AUDITOR_LISTS:
            # Asked at the first read: an API client is known only once the view has authenticated it.
            request._replica_reads_token = replica_reads_begin(
                lambda: _is_auditor(getattr(request, "user", None)) and not pinned_to_primary(request)
            )
        return None
