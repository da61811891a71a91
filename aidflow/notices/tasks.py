"""Rendering notices in the background (inline when no broker is configured).

A committed decision never fails because of its PDF: scheduling swallows and logs any error, the
worker retries with backoff, and a periodic catch-up renders whatever is still missing (a worker
killed mid-render, a broker that was down)."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from aidflow.notices.models import Notice
from aidflow.notices.rendering import notice_render

logger = logging.getLogger(__name__)
# A notice younger than this is left to its own task by the catch-up.
CATCH_UP_AFTER = datetime.timedelta(minutes=2)


@shared_task(
    name="aidflow.render_notice",
    autoretry_for=(Exception,),
    retry_backoff=5,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    acks_late=True,
    reject_on_worker_lost=True,
)
def render_notice(notice_id: int) -> str:
    return notice_render(notice_id).sha256


@shared_task(name="aidflow.render_pending_notices")
def render_pending_notices(older_than_seconds: int | None = None) -> int:
    """Render every notice still without its PDF (oldest first); returns how many were rendered."""
    age = CATCH_UP_AFTER if older_than_seconds is None else datetime.timedelta(seconds=older_than_seconds)
    pending = Notice.objects.filter(sha256="", issued_at__lte=timezone.now() - age).order_by("issued_at")
    done = 0
    for notice_id in pending.values_list("pk", flat=True):
        try:
            notice_render(notice_id)
            done += 1
        except Exception:
            logger.exception("Notice %s could not be rendered; the next catch-up tries again.", notice_id)
    return done


def render_schedule(notice_id: int) -> None:
    """Queue the PDF of a committed notice (or render it now, without a broker). Never raises: the
    decision is committed, and the catch-up renders what fails here."""
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            notice_render(notice_id)
        else:
            render_notice.delay(notice_id)
    except Exception:
        logger.exception("The PDF of notice %s is pending: rendering or queueing failed.", notice_id)
