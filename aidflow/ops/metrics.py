"""Prometheus metrics (GET /metrics): Django's requests through django-prometheus - latency by
view, responses by status, exceptions - and the state of the work, read when scraped: notices
waiting for their PDF, open and overdue stage clocks, the audit chain's last seal and checkpoint,
and Celery's queue on a Redis broker.

Several gunicorn workers share their request metrics through PROMETHEUS_MULTIPROC_DIR
(scripts/web.sh sets it), so a scrape sees every worker, not whichever answered.
"""

from __future__ import annotations

import logging
import os

from django.db.models import Count, Min, Q
from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily

from aidflow.audit.models import AuditCheckpoint, AuditEvent, PendingRead
from aidflow.cases.choices import ClockOutcome
from aidflow.cases.models import StageClock
from aidflow.notices.models import Notice
from aidflow.ops.health import broker_queue_length

logger = logging.getLogger("aidflow.metrics")


def _age(moment) -> float:
    return max(0.0, (timezone.now() - moment).total_seconds())


def notice_metrics():
    pending = Notice.objects.filter(sha256="").aggregate(count=Count("pk"), oldest=Min("issued_at"))
    yield GaugeMetricFamily(
        "aidflow_notices_pending_pdf", "Issued notices whose PDF is not rendered yet", pending["count"]
    )
    yield GaugeMetricFamily(
        "aidflow_notices_pending_pdf_oldest_seconds",
        "Age of the oldest notice still waiting for its PDF (0 when none waits)",
        _age(pending["oldest"]) if pending["oldest"] else 0.0,
    )


def clock_metrics():
    today = timezone.localdate()
    rows = (
        StageClock.objects.filter(outcome=ClockOutcome.OPEN)
        .values("stage")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
        .order_by("stage")
    )
    opened = GaugeMetricFamily("aidflow_stage_clocks_open", "Stage clocks still running", labels=["stage"])
    overdue = GaugeMetricFamily(
        "aidflow_stage_clocks_overdue", "Running stage clocks past their due date", labels=["stage"]
    )
    for row in rows:
        opened.add_metric([row["stage"]], row["open"])
        overdue.add_metric([row["stage"]], row["overdue"])
    yield opened
    yield overdue


def audit_metrics():
    last = AuditEvent.objects.order_by("-seq").values("seq", "at").first()
    yield GaugeMetricFamily(
        "aidflow_audit_last_seq", "Sequence number of the audit chain's last event", last["seq"] if last else 0
    )
    yield GaugeMetricFamily(
        "aidflow_audit_last_event_age_seconds",
        "Age of the last event appended (sealed) to the audit chain",
        _age(last["at"]) if last else 0.0,
    )
    waiting = PendingRead.objects.aggregate(count=Count("pk"), oldest=Min("at"))
    yield GaugeMetricFamily(
        "aidflow_audit_pending_reads", "Reads of personal data waiting to be sealed into the chain", waiting["count"]
    )
    yield GaugeMetricFamily(
        "aidflow_audit_oldest_pending_read_age_seconds",
        "Age of the oldest read waiting to be sealed (0 when none waits; beat seals every minute)",
        _age(waiting["oldest"]) if waiting["oldest"] else 0.0,
    )
    checkpoint = AuditCheckpoint.objects.order_by("-verified_at").values("verified_at", "seq").first()
    yield GaugeMetricFamily(
        "aidflow_audit_last_checkpoint_age_seconds",
        "Age of the last verification of the chain (verify_audit); -1 when it was never verified",
        _age(checkpoint["verified_at"]) if checkpoint else -1.0,
    )


def queue_metrics():
    length = broker_queue_length()
    if length is not None:
        yield GaugeMetricFamily("aidflow_celery_queue_length", "Tasks waiting in Celery's queue on the broker", length)


class WorkStateCollector:
    """The state of the work, read from the database (and the broker) at each scrape."""

    parts = (notice_metrics, clock_metrics, audit_metrics, queue_metrics)

    def collect(self):
        failed = GaugeMetricFamily(
            "aidflow_metrics_part_failed", "A part of the metrics could not be read", labels=["part"]
        )
        for part in self.parts:
            try:
                yield from list(part())
            except Exception:  # one unreadable part must not hide the others
                logger.warning("metrics: %s failed", part.__name__, exc_info=True)
                failed.add_metric([part.__name__], 1)
        if failed.samples:
            yield failed


def metrics_text() -> bytes:
    """Every metric in Prometheus' text format."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    work = CollectorRegistry(auto_describe=False)
    work.register(WorkStateCollector())
    return generate_latest(requests) + generate_latest(work)
