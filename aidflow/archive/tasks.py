"""Building a monthly archive in the background (inline when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from aidflow.archive.background import archive_build, archive_create
from aidflow.archive.models import MonthArchive

logger = logging.getLogger(__name__)


@shared_task(name="aidflow.build_month_archive", acks_late=True)
def build_month_archive(archive_id: int) -> str:
    return archive_build(archive_id).status


def archive_request(*, user, county: str, month: str) -> MonthArchive:
    """Queue the month's archive of a county the user's scope covers, built once the request commits."""
    with transaction.atomic():
        archive = archive_create(user=user, county=county, month=month)
        transaction.on_commit(lambda: _schedule(archive.pk))
    return archive


def _schedule(archive_id: int) -> None:
    """A request never fails for its build: a failure is on the archive, for the screen to show."""
    try:
        build_month_archive.delay(archive_id)
    except Exception:
        logger.exception("monthly archive %s could not be built", archive_id)
