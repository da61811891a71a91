"""The audit chain in the background: sealing waiting reads (beat: every minute) and writing the
signed chain head for the operator's archive (beat: daily)."""

from __future__ import annotations

from celery import shared_task

from aidflow.audit.heads import head_write
from aidflow.audit.services import audit_seal_reads


@shared_task(name="aidflow.seal_audit_reads")
def seal_audit_reads() -> int:
    return audit_seal_reads()


@shared_task(name="aidflow.write_audit_head")
def write_audit_head() -> str:
    path = head_write()
    return str(path) if path else ""
