"""Pages and API answers with personal data are never cached; the API's schema and docs need a
sign-in; an administrator deactivates staff from the admin, effective on their next request."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from aidflow.audit.models import AuditEvent
from tests.factories import PASSWORD, ApplicationFactory
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def test_case_pages_and_api_answers_are_not_stored(policy, clerk):
    application = ApplicationFactory(user=clerk)
    web = client_for(clerk)
    for response in (
        web.get(f"/workbench/applications/{application.pk}/"),
        web.get(f"/api/v1/applications/{application.pk}/"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_the_schema_and_docs_need_a_sign_in(clerk):
    assert APIClient().get("/api/v1/schema/").status_code == 401
    assert APIClient().get("/api/v1/docs/").status_code == 401
    assert client_for(clerk).get("/api/v1/schema/", {"format": "json"}).status_code == 200


def test_an_admin_deactivates_staff_effective_on_the_next_request(clerk, admin_user):
    web = Client()
    web.post("/accounts/login/", {"username": clerk.username, "password": PASSWORD})
    assert web.get("/workbench/").status_code == 200
    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": clerk.username, "password": PASSWORD}, format="json")
        .json()["token"]
    )
    admin = client_for(admin_user)
    admin.post(
        "/admin/regions/staffprofile/",
        {"action": "deactivate", "_selected_action": [clerk.staff.pk]},
    )
    clerk.refresh_from_db()
    assert clerk.is_active is False
    following = web.get("/workbench/")
    assert following.status_code == 302 and "/login/" in following["Location"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/tasks/").status_code == 401
    assert AuditEvent.objects.filter(action="staff_deactivated", actor=admin_user).count() == 1
