"""A committed decision never answers 500 because of its PDF: the answer says the notice is
pending, delivery waits for the PDF (409), and the catch-up renders what is missing."""

import pytest

from aidflow.notices import rendering
from aidflow.notices.models import Notice
from aidflow.notices.tasks import render_pending_notices
from tests.factories import ApplicationFactory, advance, today
from tests.workflows.helpers import client_for, current_task

pytestmark = pytest.mark.django_db


def test_a_render_failure_leaves_the_decision_and_a_pending_notice(
    policy, clerk, reviewer, approver, monkeypatch, django_capture_on_commit_callbacks
):
    application = advance(ApplicationFactory(user=clerk), to="county_approval")

    def broken(notice):
        raise OSError("disk full")

    monkeypatch.setattr(rendering, "render_pdf", broken)
    task = current_task(application)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(approver).post(
            f"/api/v1/tasks/{task.pk}/complete/",
            {"decision": "approve", "reasons": ""},
            content_type="application/json",
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["notice_pending"] is True
    notice = Notice.objects.get(application=application)
    assert notice.sha256 == ""

    # The township cannot deliver a notice that cannot be printed.
    delivery = current_task(application)
    refused = client_for(reviewer).post(
        f"/api/v1/tasks/{delivery.pk}/complete/",
        {"delivered_on": today().isoformat(), "method": "in_person", "recipient": "本人"},
        content_type="application/json",
    )
    assert refused.status_code == 409 and "notice" in refused.json()["errors"]

    # The catch-up renders it once rendering works again; then delivery goes through.
    monkeypatch.undo()
    assert render_pending_notices(older_than_seconds=0) == 1
    notice.refresh_from_db()
    assert notice.sha256 and notice.pdf
    assert render_pending_notices(older_than_seconds=0) == 0
    delivered = client_for(reviewer).post(
        f"/api/v1/tasks/{delivery.pk}/complete/",
        {"delivered_on": today().isoformat(), "method": "in_person", "recipient": "本人"},
        content_type="application/json",
    )
    assert delivered.status_code == 200 and delivered.json()["notice_pending"] is False
