"""API tokens expire, rotate on sign-in after expiry, and die with a password change, a
deactivation or a sign-out."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from aidflow.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(user) -> str:
    response = APIClient().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def tasks(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client.get("/api/v1/tasks/")


def test_a_token_expires_and_a_new_one_is_issued(clerk, settings):
    settings.API_TOKEN_TTL_HOURS = 8
    token = sign_in(clerk)
    assert sign_in(clerk) == token  # the same while valid
    assert tasks(token).status_code == 200
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=9), tick=False):
        expired = tasks(token)
        assert expired.status_code == 401 and expired["Content-Type"].startswith("application/json")
        fresh = sign_in(clerk)
        assert fresh != token and tasks(fresh).status_code == 200


def test_a_password_change_deletes_the_token(clerk):
    token = sign_in(clerk)
    clerk.set_password("Another-pass-2026!")
    clerk.save()
    assert tasks(token).status_code == 401


def test_a_deactivation_deletes_the_token(clerk):
    token = sign_in(clerk)
    clerk.is_active = False
    clerk.save()
    clerk.is_active = True
    clerk.save()
    assert tasks(token).status_code == 401


def test_sign_out_deletes_the_token(clerk):
    token = sign_in(clerk)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/v1/auth/logout/").status_code == 204
    assert tasks(token).status_code == 401
    assert AuditEvent.objects.filter(action="token_revoked", actor=clerk).count() == 1
    assert APIClient().post("/api/v1/auth/logout/").status_code == 401
