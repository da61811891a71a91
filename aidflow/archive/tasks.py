"""Building a monthly archive in the background (inline when no broker is configured)."""

from __future__ import annotations

from celery import shared_task

from aidflow.archive.background import archive_build


@shared_task(name="aidflow.build_month_archive", acks_late=True)
def build_month_archive(archive_id: int) -> str:
    return archive_build(archive_id).status
