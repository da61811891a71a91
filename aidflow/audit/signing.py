"""Signing the audit chain's checkpoints with a key the database never holds.

The hash chain proves that no event was changed *alone*; whoever may write the table (a superuser
of the database) can still recompute every hash after a rewrite. A checkpoint therefore carries an
HMAC-SHA256 of its sequence number and hash under `AUDIT_SIGNING_KEY`, a key read from the
environment of the web and worker processes and never stored in the database: a rewritten chain no
longer matches its checkpoints, and new checkpoints cannot be forged without the key. The signed
head is also written out daily (`write_audit_head`), a file the operator archives elsewhere, so even
deleting every checkpoint is caught by `verify_audit --head FILE`.

Without `AUDIT_SIGNING_KEY` (the embedded demo, the tests) the key is derived from SECRET_KEY, which
the database does not hold either; `manage.py check --deploy` reports a production set-up without
its own key (aidflow.E002).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from aidflow.audit.models import AuditCheckpoint, AuditEvent

HEAD_FORMAT = "aidflow-audit-head/1"


def signing_key() -> bytes:
    """AUDIT_SIGNING_KEY, or a key derived from SECRET_KEY when none is configured."""
    configured = getattr(settings, "AUDIT_SIGNING_KEY", "") or ""
    if configured:
        return configured.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), b"aidflow.audit.signing", hashlib.sha256).digest()


def key_id() -> str:
    """A short fingerprint of the key (not the key): tells which key signed an archived head."""
    return hashlib.sha256(b"aidflow.audit.key-id:" + signing_key()).hexdigest()[:12]


def sign(seq: int, chain_hash: str) -> str:
    message = f"{HEAD_FORMAT}\n{seq}\n{chain_hash}".encode()
    return hmac.new(signing_key(), message, hashlib.sha256).hexdigest()


def signature_ok(seq: int, chain_hash: str, signature: str) -> bool:
    return bool(signature) and hmac.compare_digest(sign(seq, chain_hash), signature)


def checkpoint_create(*, seq: int, chain_hash: str, full: bool) -> AuditCheckpoint:
    return AuditCheckpoint.objects.create(seq=seq, hash=chain_hash, full=full, signature=sign(seq, chain_hash))


@dataclass
class CheckpointFailure:
    checkpoint: AuditCheckpoint
    reason: str

    def describe(self) -> str:
        return f"checkpoint {self.checkpoint.pk} (seq {self.checkpoint.seq}): {self.reason}"


def checkpoint_check(checkpoint: AuditCheckpoint, event_hash: str | None, *, purged_below: int | None) -> str:
    """Why a checkpoint fails ('' when it holds): its signature, then the event it vouches for.

    `event_hash` is the hash the event at checkpoint.seq has now, None when that event is gone; gone
    is fine only below `purged_below` (the first event still kept after a purge)."""
    if not signature_ok(checkpoint.seq, checkpoint.hash, checkpoint.signature):
        return "signature does not match (forged, altered, or signed with another key)"
    if event_hash is None:
        if purged_below is not None and checkpoint.seq < purged_below:
            return ""
        return "its event is missing"
    if event_hash != checkpoint.hash:
        return "its event no longer has the signed hash"
    return ""


def checkpoints_verify() -> CheckpointFailure | None:
    """Every checkpoint against its signature and the event it vouches for, oldest first."""
    first = AuditEvent.objects.order_by("seq").values_list("seq", flat=True).first()
    for checkpoint in AuditCheckpoint.objects.order_by("seq", "pk").iterator():
        current = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
        reason = checkpoint_check(checkpoint, current, purged_below=first)
        if reason:
            return CheckpointFailure(checkpoint, reason)
    return None


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
    from aidflow.audit.services import audit_verify

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
