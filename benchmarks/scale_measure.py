"""Timed reads over real HTTP for benchmarks/scale.py: gunicorn serving the project, one keep-alive
client per request series, p50/p95 over warm requests."""

from __future__ import annotations

import datetime
import http.client
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("SCALE_PORT", "8765"))


def gunicorn_start(workers: int = 2) -> subprocess.Popen:
    """gunicorn with the benchmark's database; DEBUG off, as in production, but no TLS redirect and
    no second sign-in step (the personas sign in by a session written here)."""
    env = {
        **os.environ,
        "DEBUG": "False",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AIDFLOW_REQUIRE_2FA": "False",
        "AIDFLOW_IGNORE_DOTENV": "1",
    }
    env.pop("CELERY_BROKER_URL", None)
    process = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "aidflow.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
            "--timeout",
            "300",
        ],
        cwd=ROOT,
        env=env,
    )
    for _attempt in range(100):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            connection.request("GET", "/accounts/login/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def session_cookie(username: str) -> str:
    """A signed-in session for the persona, written straight to the session store."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def api_token(username: str) -> str:
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    token, _created = Token.objects.get_or_create(user=get_user_model().objects.get(username=username))
    return f"Token {token.key}"


def measure(path: str, headers: dict, runs: int, warmup: int = 3) -> dict:
    """p50/p95/max of `runs` GETs after `warmup` unmeasured ones; the status of the last answer and
    how many answers of all were server errors (5xx)."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
    times, status, size, server_errors = [], None, 0, 0
    for index in range(warmup + runs):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        status, size = response.status, len(body)
        server_errors += status >= 500
        if index >= warmup:
            times.append(elapsed)
    connection.close()
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(0, -(-95 * len(times) // 100) - 1)], 1),
        "max_ms": round(times[-1], 1),
        "status": status,
        "server_errors": server_errors,
        "bytes": size,
        "runs": runs,
    }


def pages(sample: dict) -> list[tuple[str, str, str, str]]:
    """(group, name, persona, path): every list, filter, search, inbox, detail, action form,
    statistics and audit page of the web UI and the API that reads the loaded caseload."""
    app, task, name, number, id_number = (
        sample["application"],
        sample["task"],
        sample["name"],
        sample["number"],
        sample["id_number"],
    )
    deep = sample["deep_page"]
    # Last month: a whole month of stays (this month may have just begun).
    month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    year_start = time.strftime("%Y-01-01")
    web = [
        ("web", "inbox village clerk", "clerk_beijie", "/workbench/inbox/"),
        ("web", "inbox township reviewer", "reviewer_shentou", "/workbench/inbox/"),
        ("web", "inbox county approver", "approver_lingcheng", "/workbench/inbox/"),
        ("web", "list county (page 1)", "approver_lingcheng", "/workbench/applications/"),
        ("web", "list city auditor (page 1)", "auditor_dezhou", "/workbench/applications/"),
        ("web", "list county page 20", "approver_lingcheng", "/workbench/applications/?page=20"),
        ("web", "list city deep page", "auditor_dezhou", f"/workbench/applications/?page={deep}"),
        ("web", "filter status=approved", "auditor_dezhou", "/workbench/applications/?status=approved"),
        ("web", "filter stage=county_approval", "approver_lingcheng", "/workbench/applications/?stage=county_approval"),
        ("web", "filter overdue", "approver_lingcheng", "/workbench/applications/?overdue=1"),
        ("web", "filter payment=unpaid", "approver_lingcheng", "/workbench/applications/?payment=unpaid"),
        ("web", "search name", "auditor_dezhou", f"/workbench/applications/?q={quote(name)}"),
        # A surname alone, then a surname and the given name's first character (issue: search by surname).
        ("web", "search 1 character", "auditor_dezhou", f"/workbench/applications/?q={quote(name[:1])}"),
        ("web", "search 1 character 王", "auditor_dezhou", f"/workbench/applications/?q={quote('王')}"),
        ("web", "search 1 character county", "approver_lingcheng", f"/workbench/applications/?q={quote(name[:1])}"),
        ("web", "search 2 characters", "auditor_dezhou", f"/workbench/applications/?q={quote(name[:2])}"),
        ("web", "search number", "auditor_dezhou", f"/workbench/applications/?q={number}"),
        ("web", "search resident ID", "auditor_dezhou", f"/workbench/applications/?q={id_number}"),
        ("web", "detail (case page)", "approver_lingcheng", f"/workbench/applications/{app}/"),
        ("web", "action form (open task)", "approver_lingcheng", f"/workbench/applications/{app}/tasks/{task}/"),
        ("web", "case history", "auditor_lingcheng", f"/workbench/applications/{app}/history/"),
        ("web", "on-time statistics city YTD", "auditor_dezhou", f"/workbench/reports/on-time/?from={year_start}"),
        ("web", "on-time statistics city from 2024", "auditor_dezhou", "/workbench/reports/on-time/?from=2024-01-01"),
        ("web", "monthly statistics city", "auditor_dezhou", f"/workbench/reports/monthly/?region=3714&month={month}"),
        (
            "web",
            "monthly statistics county",
            "approver_lingcheng",
            f"/workbench/reports/monthly/?region=371403&month={month}",
        ),
        ("web", "audit search (page 1)", "auditor_dezhou", "/workbench/audit/"),
        ("web", "audit search actor", "auditor_dezhou", "/workbench/audit/?actor=reviewer_shentou"),
        ("web", "audit search action", "auditor_dezhou", "/workbench/audit/?action=approved"),
        ("web", "audit search region", "auditor_dezhou", "/workbench/audit/?region=371403105"),
        ("web", "audit search page 500", "auditor_dezhou", "/workbench/audit/?page=500"),
        ("web", "notifications", "approver_lingcheng", "/workbench/notifications/"),
    ]
    api = [
        ("api", "applications (page 1)", "approver_lingcheng", "/api/v1/applications/"),
        ("api", "applications city deep page", "auditor_dezhou", f"/api/v1/applications/?page={deep}"),
        ("api", "applications status=approved", "auditor_dezhou", "/api/v1/applications/?status=approved"),
        ("api", "applications overdue", "approver_lingcheng", "/api/v1/applications/?overdue=1"),
        ("api", "applications search name", "auditor_dezhou", f"/api/v1/applications/?q={quote(name)}"),
        ("api", "applications search 1 character", "auditor_dezhou", f"/api/v1/applications/?q={quote(name[:1])}"),
        ("api", "applications search 2 characters", "auditor_dezhou", f"/api/v1/applications/?q={quote(name[:2])}"),
        ("api", "applications search number", "auditor_dezhou", f"/api/v1/applications/?q={number}"),
        ("api", "application detail", "approver_lingcheng", f"/api/v1/applications/{app}/"),
        ("api", "application history", "auditor_lingcheng", f"/api/v1/applications/{app}/history/"),
        ("api", "tasks (inbox) township", "reviewer_shentou", "/api/v1/tasks/"),
        ("api", "tasks (inbox) county", "approver_lingcheng", "/api/v1/tasks/"),
        ("api", "on-time statistics city YTD", "auditor_dezhou", f"/api/v1/statistics/on-time/?from={year_start}"),
    ]
    return web + api


def quote(text: str) -> str:
    from urllib.parse import quote as url_quote

    return url_quote(text)


def measure_pages(sample: dict, runs: int, log=print, only: str = "") -> list[dict]:
    """Every page of `pages`, or those whose name matches the regular expression `only`."""
    cookies, tokens, results = {}, {}, []
    for group, name, persona, path in pages(sample):
        if only and not re.search(only, name):
            continue
        if group == "web":
            cookies.setdefault(persona, session_cookie(persona))
            headers = {"Cookie": cookies[persona], "Accept-Language": "zh-hans"}
        else:
            tokens.setdefault(persona, api_token(persona))
            headers = {"Authorization": tokens[persona], "Accept": "application/json"}
        figures = measure(path, headers, runs)
        results.append({"group": group, "name": name, "persona": persona, "path": path, **figures})
        errors = f"  {figures['server_errors']} x 5xx" if figures["server_errors"] else ""
        log(
            f"  {group} {name:<38} p50 {figures['p50_ms']:>8} ms  p95 {figures['p95_ms']:>8} ms"
            f"  [{figures['status']}]{errors}"
        )
        sys.stdout.flush()
    return results
