"""/metrics: Django's request metrics by view through django-prometheus and the state of the work,
behind METRICS_TOKEN when it is set; JSON log lines with the request's id with LOG_FORMAT=json."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families
from pythonjsonlogger.json import JsonFormatter

from aidflow.audit.services import audit_read, audit_verify
from aidflow.cases.models import StageClock
from aidflow.notices.models import Notice
from aidflow.ops.logs import RequestIdFilter
from tests.workflows.helpers import client_for, file_application

ROOT = Path(__file__).resolve().parents[2]


def samples(response) -> dict:
    """{(name, labels as a sorted tuple): value} of a metrics answer."""
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.mark.django_db
def test_metrics_count_requests_by_view_and_read_the_state_of_the_work(clerk, policy, auditor):
    application = file_application(clerk)
    clock = StageClock.objects.get(application=application, outcome="open")
    StageClock.objects.filter(pk=clock.pk).update(due_date=timezone.localdate() - timedelta(days=2))
    Notice.objects.create(
        application=application,
        kind="supplement",
        number=f"TEST-{uuid.uuid4().hex[:8]}",
        verification_code=uuid.uuid4().hex[:12],
        stage="village_check",
        authority={},
        content={},
        issued_at=timezone.now() - timedelta(minutes=10),
    )
    audit_verify(full=True)
    audit_read(actor=auditor, action="case_viewed", application=application)
    client_for(clerk).get("/workbench/inbox/")

    found = samples(Client().get("/metrics"))
    inbox = (("method", "GET"), ("view", "workbench:inbox"))
    by_view = ("django_http_requests_latency_seconds_by_view_method_count", inbox)
    assert found[by_view] >= 1
    assert ("django_http_responses_total_by_status_total", (("status", "200"),)) in found
    assert found[("aidflow_notices_pending_pdf", ())] == 1
    assert 590 < found[("aidflow_notices_pending_pdf_oldest_seconds", ())] < 3600
    assert found[("aidflow_stage_clocks_open", (("stage", "village_check"),))] == 1
    assert found[("aidflow_stage_clocks_overdue", (("stage", "village_check"),))] == 1
    assert found[("aidflow_audit_pending_reads", ())] == 1
    assert found[("aidflow_audit_last_seq", ())] >= 1
    assert 0 <= found[("aidflow_audit_last_checkpoint_age_seconds", ())] < 600
    assert ("aidflow_celery_queue_length", ()) not in found  # no broker: tasks run inline


@pytest.mark.django_db
def test_metrics_need_the_token_when_it_is_set(settings):
    settings.METRICS_TOKEN = "s3cret-scraper-token"
    missing = Client().get("/metrics")
    assert missing.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert Client().get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    allowed = Client().get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-scraper-token")
    assert allowed.status_code == 200
    assert "aidflow_stage_clocks_open" in allowed.content.decode()


def redis_or_skip(url: str):
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


@pytest.mark.django_db
def test_the_celery_queue_length_on_a_redis_broker(settings):
    url = "redis://127.0.0.1:6379/14"
    client = redis_or_skip(url)
    settings.CELERY_BROKER_URL = url
    # A queue of this process: another run of the suite on the same Redis keeps its own.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE = f"aidflow-metrics-test-{os.getpid()}"
    client.delete(queue)
    client.rpush(queue, "a", "b", "c")
    try:
        found = samples(Client().get("/metrics"))
    finally:
        client.delete(queue)
    assert found[("aidflow_celery_queue_length", ())] == 3


@pytest.mark.django_db
def test_a_json_request_line_carries_the_request_id(settings, caplog):
    settings.LOG_FORMAT = "json"
    with caplog.at_level(logging.INFO, logger="aidflow.request"):
        response = Client().get("/accounts/login/", HTTP_X_REQUEST_ID="proxy-id-0001")
    assert response["X-Request-ID"] == "proxy-id-0001"
    (record,) = [r for r in caplog.records if r.name == "aidflow.request"]
    assert (record.method, record.path, record.status, record.view) == ("GET", "/accounts/login/", 200, "login")
    formatter = JsonFormatter(**{k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"})
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["request_id"] == "proxy-id-0001"
    assert {"time", "level", "logger", "message", "status", "duration_ms"} <= set(line)
    # A forged id of any length or alphabet is replaced by one of ours.
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="x" * 500)["X-Request-ID"] != "x" * 500


def test_log_format_json_writes_one_json_object_a_line():
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "aidflow.settings"}
    done = subprocess.run(
        [sys.executable, "-c", "import django, logging; django.setup(); logging.getLogger('aidflow.x').warning('hi')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert (line["level"], line["logger"], line["message"], line["request_id"]) == ("WARNING", "aidflow.x", "hi", "-")
