"""The signed head of the audit chain, written out daily for the operator to archive away from the
database (`write_audit_head`, beat), and checked back by `verify_audit --head FILE`."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from aidflow.audit.models import AuditCheckpoint, AuditEvent
from aidflow.audit.services import audit_verify
from aidflow.audit.signing import HEAD_FORMAT, key_id, signature_ok


def head_document(checkpoint: AuditCheckpoint) -> dict:
    return {
        "format": HEAD_FORMAT,
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "verified_at": checkpoint.verified_at.isoformat(),
        "key_id": key_id(),
        "signature": checkpoint.signature,
    }


def head_directory() -> Path:
    return Path(settings.AUDIT_HEAD_DIR)


def head_write(directory: Path | None = None) -> Path | None:
    """Verify since the last checkpoint, then write the signed head to audit-head-YYYY-MM-DD.json.

    None when the chain is empty. Raises ChainBroken when verification fails: a broken chain's head
    is not written (the operator's archive keeps the last good one)."""
    report = audit_verify(full=False)
    if not report.ok:
        raise ChainBroken(report.broken_seq, report.reason)
    checkpoint = AuditCheckpoint.objects.order_by("-seq", "-pk").first()
    if checkpoint is None:
        return None
    directory = directory or head_directory()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-head-{timezone.localdate().isoformat()}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(head_document(checkpoint), indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


class ChainBroken(Exception):
    def __init__(self, seq, reason):
        super().__init__(f"broken at seq {seq}: {reason}")
        self.seq = seq
        self.reason = reason


def head_file_check(path: Path) -> str:
    """Why an archived head file fails against the database now ('' when it holds)."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        seq, chain_hash, signature = int(document["seq"]), str(document["hash"]), str(document["signature"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        return f"{path}: not a readable head file ({error})"
    if not signature_ok(seq, chain_hash, signature):
        return f"{path}: the signature does not match (key {document.get('key_id', '?')}, this key {key_id()})"
    current = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if current is None:
        first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
        if first is not None and seq < first:
            return ""  # purged since (events are kept six months)
        return f"{path}: the event at seq {seq} is missing"
    if current != chain_hash:
        return f"{path}: the event at seq {seq} no longer has the archived hash"
    return ""
