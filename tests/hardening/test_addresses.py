"""Throttles and sign-in limits key on the address the deployment trusts; failed sign-ins from one
address are limited and cannot flood the audit chain."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from aidflow.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    """An empty count, and a clock that stands still: no one-minute window rolls over mid-test."""
    cache.clear()
    with time_machine.travel(timezone.now(), tick=False):
        yield


def test_rotating_x_forwarded_for_does_not_defeat_the_token_throttle(regions, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"login": "3/min", "verify": "30/min"},
    }
    statuses = [
        APIClient()
        .post(
            "/api/v1/auth/token/",
            {"username": "nobody", "password": "x"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
        .status_code
        for n in range(6)
    ]
    assert statuses[-1] == 429


def test_one_address_trying_many_usernames_is_stopped(regions, settings):
    settings.LOGIN_ADDRESS_LIMIT = 8
    client = Client()
    statuses = [
        client.post("/accounts/login/", {"username": f"user{n}", "password": "wrong-pass"}).status_code
        for n in range(10)
    ]
    assert statuses[:8] == [200] * 8 and statuses[8:] == [429, 429]
    api = APIClient().post("/api/v1/auth/token/", {"username": "other", "password": "x"}, format="json")
    assert api.status_code == 429 and api["Content-Type"].startswith("application/json")
    # Another address is not affected.
    assert (
        Client(REMOTE_ADDR="10.9.9.9").post("/accounts/login/", {"username": "u", "password": "p"}).status_code == 200
    )


def test_failed_sign_ins_cannot_flood_the_chain(regions, settings):
    settings.LOGIN_ADDRESS_LIMIT = 1000
    client = Client()
    for n in range(40):
        client.post("/accounts/login/", {"username": f"spray{n}", "password": "wrong-pass"})
    assert AuditEvent.objects.filter(action="login_failed").count() == 10
    assert AuditEvent.objects.filter(action="login_failures_suppressed").count() == 1


def test_a_trusted_proxy_hands_on_the_client_address(regions, settings):
    settings.TRUSTED_PROXIES = 1
    Client().post("/accounts/login/", {"username": "x", "password": "y"}, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEvent.objects.get(action="login_failed").client_address == "203.0.113.7"
    settings.TRUSTED_PROXIES = 0
    Client().post("/accounts/login/", {"username": "z", "password": "y"}, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert AuditEvent.objects.filter(action="login_failed").last().client_address == "127.0.0.1"
