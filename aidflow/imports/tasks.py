"""Reading and writing imports in the background (inline when no broker is configured): a roll of
half a million rows takes longer than a web request may wait."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from aidflow.imports.models import DataImport
from aidflow.imports.services import import_build, import_confirm, import_upload, import_write

logger = logging.getLogger(__name__)


@shared_task(name="aidflow.build_import_preview", acks_late=True)
def build_import_preview(import_id: int) -> str:
    return import_build(import_id).status


@shared_task(name="aidflow.write_import", acks_late=True)
def write_import(import_id: int) -> str:
    return import_write(import_id).status


def queue_build(import_id: int) -> None:
    transaction.on_commit(lambda: _schedule(build_import_preview, import_id))


def queue_write(import_id: int) -> None:
    transaction.on_commit(lambda: _schedule(write_import, import_id))


def _schedule(task, import_id: int) -> None:
    """A request never fails for the work it queued: a failure is on the import, for the screen."""
    try:
        task.delay(import_id)
    except Exception:
        logger.exception("import %s: %s could not run", import_id, task.name)


def import_request(*, user, kind: object, upload) -> DataImport:
    """Keep the file and queue its preview, read once the upload commits."""
    with transaction.atomic():
        data_import = import_upload(user=user, kind=kind, upload=upload)
        queue_build(data_import.pk)
    return data_import


def import_confirm_request(*, user, pk) -> DataImport:
    """Confirm a preview and queue its writing, once the confirmation commits."""
    with transaction.atomic():
        data_import = import_confirm(user=user, pk=pk)
        queue_write(data_import.pk)
    return data_import
