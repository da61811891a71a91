"""Malformed input answers 400 (JSON on the API), never 500; API errors are JSON."""

import json

import pytest

from tests.factories import FilingFactory
from tests.workflows.helpers import client_for, current_task

pytestmark = pytest.mark.django_db


def post_json(client, path, body: str):
    return client.post(path, body, content_type="application/json")


def test_deeply_nested_json_is_400(policy, clerk):
    body = "[" * 100_000 + "]" * 100_000
    response = post_json(client_for(clerk), "/api/v1/applications/", body)
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_household_members_of_the_wrong_shape_are_400(policy, clerk):
    data = FilingFactory()
    data["household"]["members"] = [5]
    response = post_json(client_for(clerk), "/api/v1/applications/", json.dumps(data))
    assert response.status_code == 400 and "household.members[0]" in response.json()["errors"]


def test_a_lone_surrogate_in_a_name_is_400(policy, clerk):
    data = FilingFactory()
    raw = json.dumps(data, ensure_ascii=False).replace('"王秀英"', '"王\\ud800英"', 1)
    response = post_json(client_for(clerk), "/api/v1/applications/", raw)
    assert response.status_code == 400 and "applicant.name" in response.json()["errors"]


def test_missing_given_as_a_number_or_a_string_is_400(policy, clerk):
    from tests.factories import ApplicationFactory

    application = ApplicationFactory(user=clerk)
    task = current_task(application)
    for missing in (5, "户口本"):
        response = client_for(clerk).post(
            f"/api/v1/tasks/{task.pk}/complete/",
            {"decision": "return", "findings": "", "missing": missing},
            content_type="application/json",
        )
        assert response.status_code == 400 and "missing" in response.json()["errors"]


@pytest.mark.parametrize(("start", "end"), [("0001-01-01", "0001-01-02"), ("2026-01-01", "9999-12-31")])
def test_extreme_dates_on_the_audit_and_on_time_pages(approver, auditor, start, end):
    for user, path in ((auditor, "/workbench/audit/"), (approver, "/workbench/reports/on-time/")):
        assert client_for(user).get(
            path, {"from": start, "to": end, "date_from": start, "date_to": end}
        ).status_code in (
            200,
            400,
        )
    api = client_for(approver).get("/api/v1/statistics/on-time/", {"from": start, "to": end})
    assert api.status_code == 400 and api["Content-Type"].startswith("application/json")


def test_an_oversized_body_is_a_json_413(policy, clerk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_json(client_for(clerk), "/api/v1/calculate/", json.dumps({"padding": "x" * 5000}))
    assert response.status_code == 413 and response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_an_unknown_api_path_is_json(clerk):
    response = client_for(clerk).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")


def test_a_server_error_on_the_api_is_json(clerk, monkeypatch):
    from django.test import Client

    from aidflow.api import views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "tasks_waiting", broken)
    client = Client(raise_request_exception=False)
    client.force_login(clerk)
    response = client.get("/api/v1/tasks/")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    assert "boom" not in response.content.decode()


def test_a_locked_username_is_a_json_answer_on_the_api(clerk, settings):
    from django.core.cache import cache
    from rest_framework.test import APIClient

    cache.clear()
    api = APIClient()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        api.post("/api/v1/auth/token/", {"username": clerk.username, "password": "wrong-pass"}, format="json")
    locked = api.post("/api/v1/auth/token/", {"username": clerk.username, "password": "wrong-pass"}, format="json")
    assert locked.status_code == 429 and locked["Content-Type"].startswith("application/json")
    assert "detail" in locked.json()
