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
from dataclasses import dataclass

from django.conf import settings

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
    checkpoints = list(AuditCheckpoint.objects.order_by("seq", "pk"))
    for start in range(0, len(checkpoints), 5000):
        batch = checkpoints[start : start + 5000]
        hashes = dict(
            AuditEvent.objects.filter(seq__in={checkpoint.seq for checkpoint in batch}).values_list("seq", "hash")
        )
        for checkpoint in batch:
            reason = checkpoint_check(checkpoint, hashes.get(checkpoint.seq), purged_below=first)
            if reason:
                return CheckpointFailure(checkpoint, reason)
    return None
