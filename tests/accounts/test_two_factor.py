"""Two-factor sign-in for the roles that decide and pay: enrolment with a QR code and recovery
codes, the second step on every sign-in, the API token's `otp`, and a setting to switch it off."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from aidflow.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def second_step(settings):
    settings.AIDFLOW_REQUIRE_2FA = True
    # django-otp slows retries after a wrong code (1 s, 2 s, ...); a test types faster than a person.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def current_code(user) -> str:
    device = TOTPDevice.objects.filter(user=user).order_by("-pk").first()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(user) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_approver_enrols_then_needs_the_code_at_every_sign_in(approver):
    web = sign_in(approver)
    blocked = web.get("/workbench/")
    assert blocked.status_code == 302 and blocked["Location"].startswith("/accounts/two-factor/")
    assert web.get("/api/v1/tasks/").status_code == 403
    page = web.get("/accounts/two-factor/").content.decode()
    assert "data:image/svg+xml;base64," in page  # the QR code
    assert web.post("/accounts/two-factor/", {"code": "000000"}).status_code == 400
    done = web.post("/accounts/two-factor/", {"code": current_code(approver)})
    codes = re.findall(r"<li>([0-9a-f]{8})</li>", done.content.decode())
    assert done.status_code == 200 and len(codes) == 10
    assert web.get("/workbench/").status_code == 200
    # A new sign-in asks again; a recovery code works once.
    again = sign_in(approver)
    assert again.get("/workbench/").status_code == 302
    assert again.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 302
    assert again.get("/workbench/").status_code == 200
    third = sign_in(approver)
    assert third.post("/accounts/two-factor/", {"code": codes[0]}).status_code == 400
    actions = set(AuditEvent.objects.filter(actor=approver).values_list("action", flat=True))
    assert {"two_factor_enrolled", "two_factor_verified", "two_factor_failed"} <= actions


def test_a_clerk_signs_in_with_one_step(clerk):
    assert sign_in(clerk).get("/workbench/").status_code == 200


def test_the_api_token_needs_the_code(approver):
    web = sign_in(approver)
    web.post("/accounts/two-factor/", {"code": "x"})  # shows the enrolment
    web.post("/accounts/two-factor/", {"code": current_code(approver)})
    api = APIClient()
    missing = api.post("/api/v1/auth/token/", {"username": approver.username, "password": PASSWORD}, format="json")
    assert missing.status_code == 400 and "otp" in missing.json()["errors"]
    wrong = api.post(
        "/api/v1/auth/token/", {"username": approver.username, "password": PASSWORD, "otp": "123456"}, format="json"
    )
    assert wrong.status_code == 400 and "otp" in wrong.json()["errors"]
    # A code is good once: the next one, half a minute later.
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31), tick=True):
        good = api.post(
            "/api/v1/auth/token/",
            {"username": approver.username, "password": PASSWORD, "otp": current_code(approver)},
            format="json",
        )
    assert good.status_code == 200 and good.json()["token"]


def test_the_setting_switches_it_off(approver, settings):
    settings.AIDFLOW_REQUIRE_2FA = False
    assert sign_in(approver).get("/workbench/").status_code == 200


def test_a_superuser_without_a_role_needs_the_second_step_too(regions):
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser("root", "root@example.invalid", PASSWORD)
    web = Client()
    web.post("/accounts/login/", {"username": "root", "password": PASSWORD})
    response = web.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
