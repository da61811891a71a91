"""Writing and checking the audit chain.

`audit_record` is called by the services inside the same transaction as the change it records:
if the event cannot be written, the change rolls back. Events form one linear chain: each takes the
next sequence number and hashes the previous event's hash with its own canonical JSON. On
PostgreSQL a transaction-scoped advisory lock serialises writers (taken last in each transaction,
so no other lock is ever awaited while holding it: the audit tables carry no foreign-key constraint
whose check at commit would lock an application another writer holds, see NO_ROW_LOCKS in the
models); SQLite serialises writing transactions itself.

Reads of personal data (case files, settlements, claims, lists of people) do not queue on that
lock: `audit_read` and `audit_list_read` insert them into PendingRead, and `audit_seal_reads`
appends them to the chain in batches (every minute, and before the log is read or verified).
"""

from __future__ import annotations

import contextvars
import hashlib
import json
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from aidflow.audit import signing
from aidflow.audit.models import AuditAction, AuditCheckpoint, AuditEvent, PendingRead

GENESIS = "0" * 64
ADVISORY_LOCK_KEY = 7_311_540_001  # any constant shared by every AidFlow process
client_address: contextvars.ContextVar[str] = contextvars.ContextVar("aidflow_client_address", default="")


# What audit_verify reads of each event: the hashed content and the two links.
VERIFIED_FIELDS = (
    "seq",
    "at",
    "actor_name",
    "role",
    "region",
    "action",
    "application_id",
    "stage",
    "details",
    "client_address",
    "prev_hash",
    "hash",
)


def canonical(event: AuditEvent) -> str:
    """The event as canonical JSON: sorted keys, no spaces, UTF-8; what the hash covers."""
    body = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor": event.actor_name,
        "role": event.role,
        "region": event.region,
        "action": event.action,
        "application": event.application_id,
        "stage": event.stage,
        "details": event.details,
        "client_address": event.client_address,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def _json_safe(value):
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _who(actor, application, region: str) -> dict:
    """The actor's name, role and region as an event records them."""
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    profile = getattr(actor, "staff", None) if authenticated else None
    if not region:
        if application is not None:
            region = application.village_id
        elif profile is not None:
            region = profile.region_id or ""
    return {
        "actor": actor if authenticated else None,
        "actor_name": actor.get_username() if authenticated else "",
        "role": profile.role if profile is not None else "",
        "region": region,
    }


def _chain_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def _last_link() -> tuple[int, str]:
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    return (last["seq"], last["hash"]) if last else (0, GENESIS)


def audit_record(
    *,
    actor,
    action: str,
    application=None,
    stage: str = "",
    details: dict | None = None,
    region: str = "",
    actor_name: str | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (or its own)."""
    return audit_record_many(
        actor=actor,
        entries=[(action, details)],
        application=application,
        stage=stage,
        region=region,
        actor_name=actor_name,
    )[0]


def audit_record_many(
    *,
    actor,
    entries: list[tuple[str, dict | None]],
    application=None,
    stage: str = "",
    region: str = "",
    actor_name: str | None = None,
) -> list[AuditEvent]:
    """Append consecutive events of one actor (action, details) under one take of the chain's lock.

    Inside the caller's transaction without a savepoint: an event that cannot be written fails the
    whole change, which is what the chain promises anyway."""
    if not entries:
        return []
    with transaction.atomic(savepoint=False):
        _chain_lock()
        seq, prev_hash = _last_link()
        who = _who(actor, application, region)
        if actor_name:
            who["actor_name"] = actor_name
        events = []
        for action, details in entries:
            seq += 1
            event = AuditEvent(
                seq=seq,
                at=timezone.now(),
                **who,
                action=action,
                application=application,
                stage=stage or "",
                details=_json_safe(details or {}),
                client_address=client_address.get(),
                prev_hash=prev_hash,
            )
            event.hash = prev_hash = event_hash(event.prev_hash, event)
            events.append(event)
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            AuditEvent.objects.bulk_create(events)
    return events


def audit_read(*, actor, action: str, application=None, details: dict | None = None, region: str = "") -> PendingRead:
    """Record a read without taking the chain's lock: it waits in PendingRead to be sealed."""
    return PendingRead.objects.create(
        at=timezone.now(),
        **_who(actor, application, region),
        action=action,
        application=application,
        details=_json_safe(details or {}),
        client_address=client_address.get(),
    )


def audit_list_read(*, actor, list_name: str, shown, details: dict | None = None) -> PendingRead | None:
    """A list that shows people (names, ID numbers, diagnoses, accounts) was read: one waiting read
    naming the list and the records on the page (`shown`: their numbers). An empty page shows
    nobody and records nothing."""
    shown = [str(number) for number in shown]
    if not shown:
        return None
    return audit_read(
        actor=actor,
        action=AuditAction.LIST_VIEWED,
        details={"list": list_name, "shown": shown, **(details or {})},
    )


def audit_seal_reads(*, batch_size: int = 1000) -> int:
    """Append the waiting reads to the chain in their order, a batch per transaction under the
    chain's lock; each event keeps the moment of its read. Returns how many were sealed."""
    sealed = 0
    if not PendingRead.objects.exists():
        return 0
    while True:
        with transaction.atomic():
            _chain_lock()
            reads = list(PendingRead.objects.order_by("pk")[:batch_size])
            if not reads:
                return sealed
            seq, prev_hash = _last_link()
            events = []
            for read in reads:
                seq += 1
                event = AuditEvent(
                    seq=seq,
                    at=read.at,
                    actor_id=read.actor_id,
                    actor_name=read.actor_name,
                    role=read.role,
                    region=read.region,
                    action=read.action,
                    application_id=read.application_id,
                    stage="",
                    details=read.details,
                    client_address=read.client_address,
                    prev_hash=prev_hash,
                )
                event.hash = prev_hash = event_hash(event.prev_hash, event)
                events.append(event)
            AuditEvent.objects.bulk_create(events)
            PendingRead.objects.filter(pk__in=[read.pk for read in reads]).delete()
            sealed += len(reads)


@dataclass
class ChainReport:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""


def audit_verify(*, batch_size: int = 5000, full: bool = True) -> ChainReport:
    """Recompute the chain in sequence order; report the first event that does not fit.

    `full=False` starts after the last checkpoint (the last event a verification found intact),
    checking that the checkpoint's event still carries the hash it had then; a daily run so reads
    only the day's events, after checking that checkpoint's signature. `full=True` also checks
    every checkpoint's signature and event (aidflow.audit.signing), naming the first that fails.
    Each successful run records a new, signed checkpoint.
    """
    audit_seal_reads()
    previous_hash = previous_seq = None
    # Plain named rows, not model instances: canonical() reads only these attributes, and a
    # province's chain is millions of rows.
    events = AuditEvent.objects.order_by("seq").values_list(*VERIFIED_FIELDS, named=True)
    checkpoint = None if full else AuditCheckpoint.objects.order_by("-seq", "-pk").first()
    if checkpoint is not None:
        if not signing.signature_ok(checkpoint.seq, checkpoint.hash, checkpoint.signature):
            return ChainReport(False, 0, checkpoint.seq, f"checkpoint {checkpoint.pk}: signature does not match")
        anchor = AuditEvent.objects.filter(seq=checkpoint.seq).values_list("hash", flat=True).first()
        if anchor is not None and anchor != checkpoint.hash:
            return ChainReport(False, 0, checkpoint.seq, "the checkpoint's event no longer has its verified hash")
        previous_hash, previous_seq = checkpoint.hash, checkpoint.seq
        events = events.filter(seq__gt=checkpoint.seq)
    count = 0
    for event in events.iterator(chunk_size=batch_size):
        if previous_seq is not None and event.seq != previous_seq + 1:
            return ChainReport(False, count, event.seq, f"sequence jumps from {previous_seq} to {event.seq}")
        expected_prev = previous_hash if previous_hash is not None else event.prev_hash
        if previous_hash is None and event.seq == 1 and event.prev_hash != GENESIS:
            return ChainReport(False, count, event.seq, "the first event does not start the chain")
        if event.prev_hash != expected_prev:
            return ChainReport(False, count, event.seq, "previous hash does not match")
        if event_hash(event.prev_hash, event) != event.hash:
            return ChainReport(False, count, event.seq, "content does not match its hash")
        previous_hash, previous_seq = event.hash, event.seq
        count += 1
    if full:
        # The chain may be intact yet rewritten whole: every checkpoint must still vouch for it.
        failure = signing.checkpoints_verify()
        if failure is not None:
            return ChainReport(False, count, failure.checkpoint.seq, failure.describe())
    if previous_seq is not None and (checkpoint is None or previous_seq > checkpoint.seq):
        signing.checkpoint_create(seq=previous_seq, chain_hash=previous_hash, full=full)
    return ChainReport(True, count)


class AuditPurgeRefused(Exception):
    """A purge would delete events younger than the retention period."""


RETENTION_DAYS = 183  # six months


def audit_purge(*, before) -> int:
    """Delete events before a date at least six months ago; the purge itself is audited.

    On PostgreSQL the table's trigger allows the DELETE only inside this function's transaction
    and only for rows older than six months, whatever the caller asks.
    """
    import datetime

    latest_allowed = timezone.localdate() - datetime.timedelta(days=RETENTION_DAYS)
    if before > latest_allowed:
        raise AuditPurgeRefused(
            f"Refused: audit events are kept at least six months; the latest cutoff today is "
            f"{latest_allowed.isoformat()}, not {before.isoformat()}."
        )
    cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL aidflow.allow_purge = 'on'")
        count, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
        audit_record(
            actor=None,
            actor_name="purge_audit",
            action=AuditAction.AUDIT_PURGED,
            details={"before": before.isoformat(), "deleted": count},
        )
    return count
