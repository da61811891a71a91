"""Sealing waiting reads into the audit chain in the background (beat: every minute)."""

from __future__ import annotations

from celery import shared_task

from aidflow.audit.services import audit_seal_reads


@shared_task(name="aidflow.seal_audit_reads")
def seal_audit_reads() -> int:
    return audit_seal_reads()
