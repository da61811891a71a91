"""REST API v1: every endpoint and error status, the IDOR matrix, whole procedures as a client runs them."""

import datetime
import hashlib

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from aidflow.cases.models import Application
from aidflow.notices.tasks import render_pending_notices
from tests.factories import BEIJIE, NANYOUFANG, PASSWORD, FilingFactory, make_staff, person
from tests.policy.calculator_cases import DEMO_EXAMPLE_RESULT, EXAMPLE
from tests.workflows.helpers import PDF_BYTES

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token = client.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
        assert token.status_code == 200, token.content
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    return client


def filing_payload(region=BEIJIE, order="001", **changes):
    return FilingFactory(region=region, person=person(order), **changes)


def file(client, **changes):
    response = client.post("/api/v1/applications/", filing_payload(**changes), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def open_task_id(body):
    open_tasks = [task for task in body["tasks"] if task["status"] == "open"]
    assert len(open_tasks) == 1, body["tasks"]
    return open_tasks[0]["id"]


def complete(client, body, payload, expect=200):
    if body["stage"] == "notice_delivery":
        # The test transaction never commits: the catch-up renders the PDF delivery waits for.
        render_pending_notices(older_than_seconds=0)
    response = client.post(f"/api/v1/tasks/{open_task_id(body)}/complete/", payload, format="json")
    assert response.status_code == expect, response.content
    return response.json()


def today():
    return timezone.localdate().isoformat()


def test_token_auth_and_errors(policy, clerk):
    client = APIClient()
    assert client.post("/api/v1/auth/token/", {"username": "clerk"}, format="json").json()["errors"]["password"]
    bad = client.post("/api/v1/auth/token/", {"username": "clerk", "password": "nope-nope-1!"}, format="json")
    assert bad.status_code == 400 and "detail" in bad.json()
    assert client.get("/api/v1/applications/").status_code == 401
    assert api(clerk).get("/api/v1/applications/").status_code == 200


def test_session_auth_works_too(policy, clerk):
    client = APIClient()
    client.force_login(clerk)
    assert client.get("/api/v1/applications/").status_code == 200


def test_calculate_reproduces_the_example(policy, clerk, regions):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))
    response = api(clerk).post("/api/v1/calculate/", EXAMPLE, format="json")
    assert response.status_code == 200
    body = response.json()
    body.pop("explanation")
    assert body == DEMO_EXAMPLE_RESULT
    bad = api(clerk).post("/api/v1/calculate/", dict(EXAMPLE, category="vip"), format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]


def test_approve_path_with_a_return(policy, clerk, reviewer, approver):
    clerk_api, reviewer_api, approver_api = api(clerk), api(reviewer), api(approver)
    body = file(clerk_api)
    assert (body["stage"], body["status"], body["decision"], body["amount"]) == (
        "village_check",
        "in_progress",
        None,
        None,
    )
    assert body["calculation"]["amount"] == "1000.00" and body["number"].startswith("371403-")
    assert body["tasks"][0]["due_date"] and body["tasks"][0]["overdue"] is False

    upload = clerk_api.post(
        f"/api/v1/applications/{body['id']}/documents/", {"kind": "diagnosis", "file": _pdf()}, format="multipart"
    )
    assert upload.status_code == 201 and len(upload.json()["sha256"]) == 64
    fake = clerk_api.post(
        f"/api/v1/applications/{body['id']}/documents/",
        {"kind": "diagnosis", "file": _file(b"<html>", "x.pdf")},
        format="multipart",
    )
    assert fake.status_code == 400 and "file" in fake.json()["errors"]

    # The clerk's task list, then a forward.
    tasks = clerk_api.get("/api/v1/tasks/").json()["results"]
    assert [task["application"] for task in tasks] == [body["id"]]
    body = complete(clerk_api, body, {"decision": "forward", "findings": "材料齐全"})
    # The township returns it for materials; the clerk resubmits; back to the township.
    body = complete(
        reviewer_api,
        body,
        {
            "decision": "return",
            "visit_date": today(),
            "findings": "缺证明",
            "reasons": "缺少收入证明",
            "missing": ["家庭收入证明"],
        },
    )
    assert (body["stage"], body["missing_materials"]) == ("supplement", ["家庭收入证明"])
    body = complete(clerk_api, body, {"note": "已补充"})
    assert body["stage"] == "township_review"
    body = complete(reviewer_api, body, {"decision": "forward", "visit_date": today(), "findings": "属实"})
    complete(approver_api, body, {"decision": "approve", "amount": "2000.00"}, expect=400)
    body = complete(approver_api, body, {"decision": "approve"})
    assert (body["stage"], body["status"], body["decision"], body["amount"]) == (
        "notice_delivery",
        "approved",
        "approved",
        "1000.00",
    )
    body = complete(reviewer_api, body, {"delivered_on": today(), "method": "in_person", "recipient": "王秀英"})
    assert body["stage"] == "closed"
    stages = [(task["stage"], task["status"]) for task in body["tasks"]]
    assert stages == [
        ("village_check", "done"),
        ("township_review", "returned"),
        ("supplement", "done"),
        ("township_review", "done"),
        ("county_approval", "done"),
        ("notice_delivery", "done"),
    ]
    notices = clerk_api.get(f"/api/v1/applications/{body['id']}/notices/").json()
    assert [notice["kind"] for notice in notices] == ["supplement", "approval"]
    history = clerk_api.get(f"/api/v1/applications/{body['id']}/history/").json()
    assert history[0]["action"] == "filed" and [event["seq"] for event in history] == sorted(
        event["seq"] for event in history
    )


def test_township_reject_path(policy, clerk, reviewer):
    body = file(api(clerk))
    body = complete(api(clerk), body, {"decision": "forward"})
    complete(api(reviewer), body, {"decision": "reject", "visit_date": today(), "findings": "x"}, expect=400)
    body = complete(
        api(reviewer), body, {"decision": "reject", "visit_date": today(), "findings": "入户", "reasons": "收入超标"}
    )
    assert (body["stage"], body["status"], body["decision"]) == ("notice_delivery", "rejected", "rejected")
    body = complete(api(reviewer), body, {"delivered_on": today(), "method": "post", "recipient": "王秀英"})
    assert body["stage"] == "closed"


def test_status_codes_of_task_completion(policy, clerk, reviewer, outsider, auditor):
    body = file(api(clerk))
    task_id = open_task_id(body)
    url = f"/api/v1/tasks/{task_id}/complete/"
    assert api(reviewer).post(url, {"decision": "forward"}, format="json").status_code == 403
    assert api(auditor).post(url, {"decision": "forward"}, format="json").status_code == 403
    assert api(outsider).post(url, {"decision": "forward"}, format="json").status_code == 404
    assert api(clerk).post(url, {"decision": "maybe"}, format="json").status_code == 400
    assert api(clerk).post(url, {"decision": "forward"}, format="json").status_code == 200
    again = api(clerk).post(url, {"decision": "forward"}, format="json")
    assert again.status_code == 409 and "detail" in again.json()
    assert api(clerk).post("/api/v1/tasks/999999/complete/", {}, format="json").status_code == 404


def test_filing_errors_and_roles(policy, clerk, reviewer, far_clerk):
    bad = api(clerk).post("/api/v1/applications/", filing_payload(category="vip"), format="json")
    assert bad.status_code == 400 and "category" in bad.json()["errors"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    future = api(clerk).post("/api/v1/applications/", filing_payload(filing_date=tomorrow), format="json")
    assert future.status_code == 400 and "filing_date" in future.json()["errors"]
    assert api(reviewer).post("/api/v1/applications/", filing_payload(), format="json").status_code == 403
    assert api(far_clerk).post("/api/v1/applications/", filing_payload(), format="json").status_code == 403
    assert Application.objects.count() == 0


def test_idor_matrix_across_two_counties(policy, clerk, reviewer, approver, far_clerk, outsider):
    """Every object endpoint answers 404 to staff of the other county."""
    make_staff("reviewer-qc", "township_reviewer", "371426102", "赵丽")
    mine = file(api(clerk))
    theirs = file(api(far_clerk), region=NANYOUFANG, order="002")
    notice_id = _issue_a_notice(mine, clerk)
    lingcheng = [clerk, reviewer, approver]
    pingyuan = [far_clerk, outsider]
    for body, owners, strangers in ((mine, lingcheng, pingyuan), (theirs, pingyuan, lingcheng)):
        urls = [
            f"/api/v1/applications/{body['id']}/",
            f"/api/v1/applications/{body['id']}/notices/",
            f"/api/v1/applications/{body['id']}/history/",
        ]
        for user in strangers:
            client = api(user)
            for url in urls:
                assert client.get(url).status_code == 404, (user.username, url)
            assert client.post(
                f"/api/v1/applications/{body['id']}/documents/", {"kind": "other", "file": _pdf()}, format="multipart"
            ).status_code in (403, 404)
            listed = [row["id"] for row in client.get("/api/v1/applications/").json()["results"]]
            assert body["id"] not in listed
        for user in owners:
            assert api(user).get(urls[0]).status_code == 200
    assert api(far_clerk).get(f"/api/v1/notices/{notice_id}/pdf/").status_code == 404


def _issue_a_notice(body, clerk):
    from aidflow.notices.models import Notice

    complete(api(clerk), body, {"decision": "return", "missing": ["户口簿"]})
    return Notice.objects.get(application_id=body["id"]).pk


def test_notice_pdf_and_verification(policy, clerk, django_capture_on_commit_callbacks):
    body = file(api(clerk))
    with django_capture_on_commit_callbacks(execute=True):
        complete(api(clerk), body, {"decision": "return", "missing": ["户口簿"]})
    notice = api(clerk).get(f"/api/v1/applications/{body['id']}/notices/").json()[0]
    response = api(clerk).get(f"/api/v1/notices/{notice['id']}/pdf/")
    data = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(data).hexdigest() == notice["sha256"]
    public = APIClient().get(f"/api/v1/verify/{notice['verification_code']}/")
    assert public.status_code == 200
    verified = public.json()
    assert set(verified) == {
        "valid",
        "kind",
        "number",
        "issued_at",
        "authority",
        "applicant",
        "decision",
        "amount",
        "sha256",
    }
    assert verified["valid"] and verified["applicant"] == "王*英" and verified["number"] == notice["number"]
    assert APIClient().get("/api/v1/verify/UNKNOWNCODE2/").status_code == 404


def test_verification_is_rate_limited(policy, settings):
    from django.core.cache import cache

    cache.clear()
    client = APIClient()
    # The clock stands still: a one-minute window must not roll over between the requests.
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [client.get("/api/v1/verify/UNKNOWNCODE2/").status_code for _ in range(35)]
    assert statuses[:30] == [404] * 30 and 429 in statuses[30:]
    cache.clear()


def test_list_filters_and_pagination(policy, clerk, reviewer):
    client = api(clerk)
    first = file(client, order="001")
    file(client, order="002")
    complete(client, first, {"decision": "forward"})
    assert [
        row["id"] for row in client.get("/api/v1/applications/", {"stage": "township_review"}).json()["results"]
    ] == [first["id"]]
    assert client.get("/api/v1/applications/", {"q": first["number"]}).json()["count"] == 1
    assert client.get("/api/v1/applications/", {"overdue": "true"}).json()["count"] == 0
    page = client.get("/api/v1/applications/", {"page_size": 1}).json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["next"]
    row = page["results"][0]
    assert row["applicant"] == "王*英" and "*" in row["id_number"]


@pytest.mark.parametrize("path", ["/api/v1/applications/", "/api/v1/tasks/"])
def test_list_query_count_is_constant(policy, clerk, path):
    client = api(clerk)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, {"page_size": 200}).status_code == 200
        return len(captured)

    for index in range(10):
        file(client, order=f"{index:03d}")
    at_ten = count()
    for index in range(10, 200):
        file(client, order=f"{index:03d}")
    assert client.get(path, {"page_size": 200}).json()["count"] == 200
    assert count() == at_ten


def test_history_and_notices_query_counts_are_constant(policy, clerk):
    client = api(clerk)
    body = file(client)

    def count(path):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        return len(captured)

    history = f"/api/v1/applications/{body['id']}/history/"
    # Reading the case is recorded; the history seals the waiting reads first, in one batch.
    client.get(f"/api/v1/applications/{body['id']}/")
    before = count(history)
    for _index in range(20):
        client.get(f"/api/v1/applications/{body['id']}/")
    assert count(history) == before


def test_statistics_endpoint(policy, clerk, approver):
    file(api(clerk))
    rows = api(approver).get("/api/v1/statistics/on-time/").json()
    assert rows and rows[0]["stage"] == "village_check" and rows[0]["open_within_limit"] == 1
    assert api(clerk).get("/api/v1/statistics/on-time/").status_code == 403
    assert api(approver).get("/api/v1/statistics/on-time/", {"from": "x"}).status_code == 400


def test_schema_describes_every_endpoint(clerk):
    client = APIClient()
    client.force_authenticate(clerk)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert paths >= {
        "/api/v1/auth/token/",
        "/api/v1/applications/",
        "/api/v1/applications/{id}/",
        "/api/v1/applications/{id}/documents/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/complete/",
        "/api/v1/applications/{id}/notices/",
        "/api/v1/notices/{id}/pdf/",
        "/api/v1/verify/{code}/",
        "/api/v1/applications/{id}/history/",
        "/api/v1/calculate/",
        "/api/v1/hospitals/",
        "/api/v1/recipients/{id_number}/",
        "/api/v1/settlements/",
        "/api/v1/settlements/{id}/",
        "/api/v1/settlements/{id}/slip.pdf",
        "/api/v1/settlements/{id}/reverse/",
        "/api/v1/settlement-claims/",
        "/api/v1/settlement-claims/{id}/review/",
        "/api/v1/applications/{id}/revoke/",
        "/api/v1/settlements/{id}/revoke/",
        "/api/v1/recoveries/",
        "/api/v1/recoveries/{id}/",
        "/api/v1/recoveries/{id}/write-off/",
    }
    assert client.get("/api/v1/docs/").status_code == 200


def test_schema_generates_without_warnings(tmp_path):
    """drf-spectacular's own validation: a warning (an unnamed enum clash, an undescribed view) fails."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "SettlementStatusEnum" in (tmp_path / "schema.yaml").read_text()


def _file(content: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def _pdf():
    return _file(PDF_BYTES, "诊断.pdf")
