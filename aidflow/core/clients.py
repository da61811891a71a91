"""Who is asking: the client's address as the deployment trusts it, and fixed-window counters on
it. With TRUSTED_PROXIES = 0 (the default) X-Forwarded-For is ignored - anyone can write it; with
N proxies in front, the address the nearest of them saw is taken."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

# Failed sign-ins per client address are counted over this window.
LOGIN_WINDOW = 15 * 60


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXIES", 0)
    if not proxies:
        return remote[:45]
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    chain = [*forwarded, remote]
    return (chain[-(proxies + 1)] if len(chain) > proxies else chain[0])[:45]


def window_count(scope: str, key: str, window_seconds: int) -> int:
    """Add one to this window's count for `key` and return it."""
    slot = f"count:{scope}:{key}:{int(time.time() // window_seconds)}"
    if cache.add(slot, 1, timeout=window_seconds + 10):
        return 1
    try:
        return cache.incr(slot)
    except ValueError:  # expired between add and incr
        cache.add(slot, 1, timeout=window_seconds + 10)
        return 1


def window_peek(scope: str, key: str, window_seconds: int) -> int:
    return cache.get(f"count:{scope}:{key}:{int(time.time() // window_seconds)}", 0)
