"""Reads that may be a few seconds old go to a PostgreSQL streaming replica.

`DATABASE_REPLICA_URL` adds the `replica` database. Inside `replica_reads()` (the report screens:
statistics, audit search, exports and the auditors' lists, marked by aidflow.ops.middleware) the
domain data is read there, except:

- anything inside a transaction - every write and whatever it reads for itself - is the primary's;
- a user who wrote in the last `DATABASE_REPLICA_PIN_SECONDS` reads the primary (their own writes);
- a replica more than `DATABASE_REPLICA_MAX_LAG` seconds behind, or not answering, is passed over.

Sign-in, sessions and permissions are always read from the primary: a lagging replica must never
sign anyone out. Writes go to the primary, and migrations run only there.
"""

from __future__ import annotations

import contextvars
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"
# The domain's tables; auth, sessions, tokens, second factors and lockouts are not among them.
REPLICA_APPS = frozenset(
    {
        "audit",
        "calendars",
        "cases",
        "notices",
        "payments",
        "policy",
        "regions",
        "reports",
        "rolls",
        "settlements",
        "viewflow",
        "workflows",
    }
)
# How long one process trusts a measured lag before it asks the replica again.
LAG_CHECK_SECONDS = 1.0

logger = logging.getLogger("aidflow.replica")


@dataclass
class ReplicaReads:
    """One stretch of report reads: whether its reader may read the replica (asked at the first
    read, since the API authenticates inside the view) and whether the replica then serves it."""

    allowed: Callable[[], bool]
    usable: bool | None = None


_reads: contextvars.ContextVar[ReplicaReads | None] = contextvars.ContextVar("aidflow_replica_reads", default=None)
_lag_seen = {"at": float("-inf"), "lag": None}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads(allowed: Callable[[], bool] = lambda: True) -> Iterator[None]:
    """Reads inside go to the replica where the rules above allow it."""
    token = replica_reads_begin(allowed)
    try:
        yield
    finally:
        replica_reads_end(token)


def replica_reads_begin(allowed: Callable[[], bool]) -> contextvars.Token:
    """The same as `replica_reads`, for a middleware: from here to `replica_reads_end(token)`."""
    return _reads.set(ReplicaReads(allowed))


def replica_reads_end(token: contextvars.Token) -> None:
    _reads.reset(token)


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary (0 when it has replayed all it received), or None
    when it does not answer. Measured at most once a second per process."""
    now = time.monotonic()
    if now - _lag_seen["at"] < LAG_CHECK_SECONDS:
        return _lag_seen["lag"]
    lag = None
    try:
        with connections[REPLICA].cursor() as cursor:
            if connections[REPLICA].vendor == "postgresql":
                cursor.execute(
                    "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
                )
                lag = float(cursor.fetchone()[0] or 0)
            else:
                cursor.execute("SELECT 1")
                lag = 0.0
    except Exception:  # a replica that does not answer is passed over; the primary serves
        logger.warning("the read replica does not answer; reading from the primary", exc_info=True)
    _lag_seen.update(at=now, lag=lag)
    return lag


def replica_lag_forget() -> None:
    """Measure the lag again at the next read (tests, and after the settings change)."""
    _lag_seen.update(at=float("-inf"), lag=None)


def read_alias(app_label: str) -> str | None:
    """The database a read of `app_label`'s data goes to now: the replica or None (the primary)."""
    state = _reads.get()
    if state is None or app_label not in REPLICA_APPS or not replica_configured():
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None
    if state.usable is None:
        state.usable = False  # what deciding reads itself (the user's role) comes from the primary
        if state.allowed():
            lag = replica_lag()
            state.usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG
    return REPLICA if state.usable else None


class ReplicaRouter:
    """Django's database router for the rules above (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model, **hints):
        # Never "wherever the instance came from": an object once read from the replica and kept
        # (a process-wide cache) must not draw later reads there.
        alias = read_alias(model._meta.app_label)
        return alias or (DEFAULT_DB_ALIAS if replica_configured() else None)

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read there relates to one read here.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA
