"""Every URL pattern, walked from the resolver, with hostile values in each path converter and in
every query parameter the code reads, as a signed-in user of each kind: no answer may be a 5xx.

The hostile values: NUL and other control characters, a 10,000-character string, years 0001 and
9999, negative and huge numbers, zero-width spaces, emoji, SQL and HTML. The query parameters are
those the views read (`GET.get("...")`, `query_params.get("...")`, filters' `params.get("...")`),
found in the source, so a parameter added later is fuzzed too."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.utils import timezone

from tests.factories import LINGCHENG, ApplicationFactory, make_staff
from tests.settlements.conftest import _clerk, register  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "aidflow"
READ_PARAMETER = re.compile(r"\b(?:GET|query_params|params|source|query)\.(?:get|getlist)\(\s*\"([a-z_]+)\"")
EXTRA_PARAMETERS = ("page", "year", "county", "ordering", "cursor", "limit", "offset", "o", "p", "e")

HOSTILE = (
    "\x00",
    "a\x1b\x07b",
    "x" * 10_000,
    "y" * 3_000,  # long, yet under the 414 limit: reaches the views
    "0001-01",
    "9999-12",
    "0001-01-01",
    "9999-12-31",
    "-1",
    "-99999999999999999999",
    "99999999999999999999",
    "\u200b\u200b",
    "😀🏥",
    "' OR 1=1; DROP TABLE cases_application;--",
    "<script>alert(1)</script>",
    "",
)
# An int converter takes digits only: 0, past a 32-bit and past a 64-bit integer.
HOSTILE_INTS = ("0", "2147483648", "99999999999999999999")


def query_parameters() -> list[str]:
    found = set(EXTRA_PARAMETERS)
    for path in SOURCE.rglob("*.py"):
        found.update(READ_PARAMETER.findall(path.read_text(encoding="utf-8")))
    return sorted(found)


def url_patterns(patterns=None, prefix=""):
    """(route with <converter:name> placeholders, its converters) of every pattern; regex patterns
    (the API's format suffixes, the admin's app index and catch-all) as their literal prefix, their
    groups not substituted."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from url_patterns(entry.url_patterns, prefix + route.lstrip("^"))
        elif isinstance(entry, URLPattern):
            converters = getattr(entry.pattern, "converters", {})
            if route.startswith("^") or route.endswith("$"):
                route, converters = re.sub(r"[\^$]|\(.*|\\\.", "", route), {}
            yield prefix + route, converters


def fill(route: str, converters: dict, values: dict[str, str]) -> str:
    def one(match):
        name = match["name"]
        if name in values:
            return quote(values[name], safe="")
        return "1" if isinstance(converters.get(name), IntConverter) else BENIGN.get(name, "1")

    return "/" + re.sub(r"<(?:\w+:)?(?P<name>\w+)>", one, route)


# Path values that reach the view's own checks when the hostile value is elsewhere.
BENIGN = {
    "county": LINGCHENG,
    "month": f"{timezone.localdate().year - 1}-12",
    "code": "ABCDEF",
    "id_number": "11010519491231002X",
}


def answer(client: Client, url: str, query: dict | None = None):
    response = client.get(url, query or {})
    if response.status_code == 405:
        response = client.post(
            url + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items()) if query else ""),
            "{}",
            content_type="application/json",
        )
    return response


def fuzz(client: Client, kind: str, only: str = "") -> tuple[list[str], int]:
    failures, requests = [], 0
    parameters = query_parameters()
    for index, (route, converters) in enumerate(url_patterns()):
        if not route.startswith(only):
            continue
        if route.startswith("admin/") and kind != "admin":
            continue  # the administration site answers only administrators; it is fuzzed as one
        for name, converter in converters.items():
            for value in HOSTILE_INTS if isinstance(converter, IntConverter) else HOSTILE:
                url = fill(route, converters, {name: value})
                requests += 1
                if answer(client, url).status_code >= 500:
                    failures.append(f"{kind} {url[:120]!r}: path {name}={value[:20]!r}")
        url = fill(route, converters, {})
        for position, value in enumerate(HOSTILE):
            requests += 1
            if answer(client, url, dict.fromkeys(parameters, value)).status_code >= 500:
                failures.append(f"{kind} {url}: every parameter={value[:20]!r}")
            # And each parameter alone (a bad one refused first must not hide another), a value
            # each, rotating with the pattern so every pair is tried across the patterns.
            parameter = parameters[(index + position) % len(parameters)]
            requests += 1
            if answer(client, url, {parameter: value}).status_code >= 500:
                failures.append(f"{kind} {url}: {parameter}={value[:20]!r}")
    return failures, requests


@pytest.fixture
def data(policy, register):  # noqa: F811
    make_staff("clerk", "village_clerk", "371403105201", "李秀英")
    from django.contrib.auth import get_user_model

    ApplicationFactory(user=get_user_model().objects.get(username="clerk"))


KINDS = {
    "village_clerk": ("clerk", None),
    "township_reviewer": ("reviewer", "371403105"),
    "county_approver": ("approver", LINGCHENG),
    "auditor": ("auditor", LINGCHENG),
    "city_auditor": ("city_auditor", "3714"),
    "county_finance": ("finance", LINGCHENG),
    "hospital_clerk": ("window", None),
    "admin": ("sysadmin", None),
}


def user_of(kind: str):
    from django.contrib.auth import get_user_model

    username, region = KINDS[kind]
    if kind == "hospital_clerk":
        return _clerk("window", "H-LC", "马建华")
    existing = get_user_model().objects.filter(username=username).first()
    if existing is not None:
        return existing
    role = "auditor" if kind == "city_auditor" else kind
    return make_staff(username, role, region, "测试用户")


@pytest.mark.parametrize("kind", [*KINDS, "anonymous"])
def test_no_url_pattern_answers_a_5xx_to_hostile_parameters(data, kind, settings):
    settings.AIDFLOW_REQUIRE_2FA = False
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    if kind != "anonymous":
        client.force_login(user_of(kind))
    started = timezone.now()
    failures, requests = fuzz(client, kind)
    assert requests > 1000, requests
    assert not failures, f"{len(failures)} of {requests} requests answered 5xx:\n" + "\n".join(failures[:40])
    assert (timezone.now() - started).total_seconds() < 600


def test_the_fuzz_reports_a_server_error(data, monkeypatch):
    """The fuzz itself: a month parser that crashes on the year 9999 is reported, with its URL."""
    from aidflow.reports import views

    def crashing(*args, **kwargs):
        if "9999" in str(kwargs.get("month", args[-1] if args else "")):
            raise OverflowError("year 9999")
        return original(*args, **kwargs)

    original = views.ledger_params
    monkeypatch.setattr(views, "ledger_params", crashing)
    client = Client(raise_request_exception=False)
    client.force_login(user_of("county_approver"))
    failures, _requests = fuzz(client, "county_approver", only="workbench/reports/monthly/")
    assert any("every parameter='9999-12'" in failure for failure in failures), failures
