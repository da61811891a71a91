"""Readiness: can this process serve? The database, the broker (when one is configured), the cache
and the media root are each tried, quickly, for the proxy and the orchestrator (GET /readyz).

Each check answers a short, fixed word: an error's own text (host names, paths) goes to the log,
never into the public answer.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections

from aidflow.core.replica import REPLICA, replica_configured

logger = logging.getLogger("aidflow.health")
TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_replica() -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT 1")


def check_broker() -> None:
    from kombu import Connection

    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_SECONDS) as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=TIMEOUT_SECONDS)


def check_cache() -> None:
    key = f"aidflow:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    found = cache.get(key)
    cache.delete(key)
    if found != "1":
        raise RuntimeError("the cache did not keep a value")


def check_media() -> None:
    # A real write, not a permission bit: a read-only mount or a full disk answers only to a write.
    # A media root not made yet is made, as the first upload would.
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=settings.MEDIA_ROOT, prefix=".readyz-") as probe:
        probe.write(b"ok")
        probe.flush()


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks = {"database": check_database}
    if settings.CELERY_BROKER_URL:
        checks["broker"] = check_broker
    checks["cache"] = check_cache
    checks["media"] = check_media
    return checks


def readiness() -> tuple[bool, dict[str, str]]:
    """(ready, {part: "ok" | "unavailable"}); a replica is reported but never makes it unready:
    its reads fall back to the primary."""
    parts = {}
    for name, check in readiness_checks().items():
        parts[name] = _try(name, check)
    ready = all(state == "ok" for state in parts.values())
    if replica_configured():
        parts["replica"] = _try("replica", check_replica)
    return ready, parts


def _try(name: str, check: Callable[[], None]) -> str:
    try:
        check()
    except Exception:  # any failure means the part is not usable; the log has the reason
        logger.warning("readiness: %s unavailable", name, exc_info=True)
        return "unavailable"
    return "ok"


def broker_queue_length() -> int | None:
    """Messages waiting in Celery's default queue, when the broker is Redis (None otherwise)."""
    url = settings.CELERY_BROKER_URL
    if not url or urlsplit(url).scheme not in {"redis", "rediss"}:
        return None
    import redis

    client = redis.Redis.from_url(url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS)
    try:
        return int(client.llen(getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")))
    finally:
        client.close()
