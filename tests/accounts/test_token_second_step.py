"""An API token issued without the second step stops working once its user must take one (the
deployment switched two-factor on, or the user was given a role that decides or pays); a sign-in
with the authenticator's code replaces it with one that works."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from tests.accounts.test_two_factor import current_code, sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def token(user, **extra) -> str:
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def tasks(key: str):
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/tasks/")


def test_a_token_issued_before_the_second_step_was_required_is_refused(approver, settings):
    settings.AIDFLOW_REQUIRE_2FA = False
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    old = token(approver)
    assert tasks(old).status_code == 200
    settings.AIDFLOW_REQUIRE_2FA = True
    refused = APIClient(HTTP_AUTHORIZATION=f"Token {old}", HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/tasks/")
    assert refused.status_code == 401
    assert "second step" in refused.json()["detail"]
    # The refusal carries the security headers like any other answer.
    assert refused["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in refused
    # The user enrols on the web, then asks again with the code: a new token, which works.
    web = sign_in(approver)
    web.post("/accounts/two-factor/", {"code": "x"})
    web.post("/accounts/two-factor/", {"code": current_code(approver)})
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31), tick=True):
        new = token(approver, otp=current_code(approver))
    assert new != old and tasks(new).status_code == 200
    assert tasks(old).status_code == 401


def test_a_clerk_given_a_deciding_role_needs_a_new_token(clerk, settings):
    from aidflow.regions.models import Role

    settings.AIDFLOW_REQUIRE_2FA = True
    old = token(clerk)
    assert tasks(old).status_code == 200
    clerk.staff.role = Role.COUNTY_FINANCE
    clerk.staff.save()
    assert tasks(old).status_code == 401


def test_a_one_step_role_keeps_its_token(clerk, settings):
    settings.AIDFLOW_REQUIRE_2FA = True
    key = token(clerk)
    assert len(key) == 40 and tasks(key).status_code == 200


def test_security_headers_on_refusals_of_the_middleware(approver, regions, settings):
    from django.test import Client

    settings.AIDFLOW_REQUIRE_2FA = True
    web = sign_in(approver)
    answers = [
        web.get("/workbench/"),  # the second step is missing: to the enrolment
        web.get("/api/v1/tasks/"),  # the same on the API: 403
        Client().get("/workbench/"),  # not signed in
        Client().get("/workbench/applications/", {"q": "\x00"}),  # a control character: 400
    ]
    assert [answer.status_code for answer in answers] == [302, 403, 302, 400]
    for answer in answers:
        assert "default-src 'self'" in answer["Content-Security-Policy"]
        assert answer["X-Frame-Options"] == "DENY" and answer["X-Content-Type-Options"] == "nosniff"
