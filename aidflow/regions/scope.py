"""Which regions a user may see: guardian object permissions on Region, turned into SQL prefix filters.

A user holds a scope permission on a handful of Region rows (their village, township, county or,
for auditors, any level). Everything inside one of those regions - sub-regions, applications
filed in its villages - is in scope. The check is a prefix test on the region code, so lists are
filtered in SQL with `LIKE 'code%'` on an indexed column.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from guardian.shortcuts import get_objects_for_user

from aidflow.regions.models import ROLE_PERMISSION, Region

SCOPE_PERMISSIONS = [f"regions.{codename}" for codename in ROLE_PERMISSION.values()]


def _minimal_prefixes(codes: list[str]) -> list[str]:
    """Drop codes already covered by a shorter code in the list."""
    result: list[str] = []
    for code in sorted(set(codes), key=lambda item: (len(item), item)):
        if not any(code.startswith(prefix) for prefix in result):
            result.append(code)
    return result


def scope_codes(user, permissions: list[str] | None = None) -> list[str]:
    """Region codes at the top of the user's scope (no code is a prefix of another).

    `permissions` narrows the scope to regions granted by those permissions, e.g.
    ["regions.review_township"] for where the user may review.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cache_key = tuple(permissions or SCOPE_PERMISSIONS)
    cache = getattr(user, "_aidflow_scope_cache", None)
    if cache is None:
        cache = user._aidflow_scope_cache = {}
    if cache_key not in cache:
        regions = get_objects_for_user(
            user,
            list(cache_key),
            klass=Region,
            any_perm=True,
            with_superuser=False,
            accept_global_perms=False,
        )
        cache[cache_key] = _minimal_prefixes(list(regions.values_list("code", flat=True)))
    return cache[cache_key]


def scope_q(user, field: str, permissions: list[str] | None = None) -> Q:
    """A Q object keeping rows whose region code `field` lies inside the user's scope."""
    codes = scope_codes(user, permissions)
    if not codes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{field}__startswith": code}) for code in codes))


def visible_regions(user):
    """The regions the user may see: each scope region and everything below it."""
    return Region.objects.filter(scope_q(user, "code"))


def in_scope(user, code: str, permissions: list[str] | None = None) -> bool:
    """Whether a region code lies inside the user's scope."""
    return any(code.startswith(prefix) for prefix in scope_codes(user, permissions))


def role_of(user) -> str | None:
    """The user's staff role, or None for a user without one."""
    profile = getattr(user, "staff", None)
    return profile.role if profile is not None else None
