"""Monthly archives built by a Celery worker (inline when no broker is configured): a busy county's
month takes minutes to render, longer than a web request may wait. The screen asks for one, the
worker writes the ZIP to the media storage, the screen lists it with its download link."""

from __future__ import annotations

import logging
import tempfile

from django.core.files import File
from django.db import transaction
from django.utils import timezone

from aidflow.archive.models import ArchiveStatus, MonthArchive
from aidflow.archive.monthly import archive_counties, archive_filename, archive_month_check, archive_month_write
from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_read
from aidflow.core.errors import NotFound
from aidflow.regions.models import Region

logger = logging.getLogger(__name__)
LISTED = 10


def archive_create(*, user, county: str, month: str) -> MonthArchive:
    """A queued archive of a county the user's scope covers (InputErrors naming the field);
    `aidflow.archive.tasks.archive_request` queues it for the worker."""
    region, year, number = archive_month_check(user=user, county=county, month=month)
    return MonthArchive.objects.create(county=region.code, year=year, month=number, requested_by=user)


def archive_build(archive_id: int) -> MonthArchive:
    """Build a queued archive: the ZIP into a temporary file, then into the storage. A failure is
    recorded on the archive (and logged), never half a file."""
    with transaction.atomic():
        archive = MonthArchive.objects.select_for_update().get(pk=archive_id)
        if archive.status != ArchiveStatus.QUEUED:
            return archive
        archive.status = ArchiveStatus.RUNNING
        archive.save(update_fields=["status"])
    region = Region.objects.get(code=archive.county)
    try:
        with tempfile.TemporaryFile() as spool:
            numbers = archive_month_write(
                user=archive.requested_by, county=region, year=archive.year, month=archive.month, out=spool
            )
            spool.seek(0)
            archive.file.save(archive_filename(region, archive.year, archive.month), File(spool), save=False)
    except Exception as error:
        logger.exception("monthly archive %s failed", archive.pk)
        archive.status, archive.error = ArchiveStatus.FAILED, str(error)[:500]
        archive.finished_at = timezone.now()
        archive.save(update_fields=["status", "error", "finished_at"])
        raise
    archive.status, archive.cases, archive.finished_at = ArchiveStatus.DONE, len(numbers), timezone.now()
    archive.save(update_fields=["status", "file", "cases", "finished_at"])
    return archive


def archives_listed(user) -> list[MonthArchive]:
    """The user's latest requests, newest first, each with its county's name."""
    archives = list(MonthArchive.objects.filter(requested_by=user)[:LISTED])
    names = dict(Region.objects.filter(code__in={archive.county for archive in archives}).values_list("code", "name"))
    for archive in archives:
        archive.county_name = names.get(archive.county, archive.county)
    return archives


def archive_open(*, user, pk) -> MonthArchive:
    """A built archive of a county the user's scope covers (NotFound otherwise); a recorded read."""
    codes = {region.code for region in archive_counties(user)}
    archive = MonthArchive.objects.filter(pk=pk, status=ArchiveStatus.DONE, county__in=codes).first()
    if archive is None:
        raise NotFound("No such archive.")
    audit_read(
        actor=user,
        action=AuditAction.ARCHIVE_DOWNLOADED,
        region=archive.county,
        details={"archive": archive.pk, "county": archive.county, "month": archive.month_text, "cases": archive.cases},
    )
    return archive
