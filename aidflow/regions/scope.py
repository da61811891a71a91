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

# The city reviewer's grant opens the counties' signed-off months and their figures only
# (REPORT_PERMISSIONS), never the cases: it is left out of the scope every other read uses.
SCOPE_PERMISSIONS = [f"regions.{codename}" for codename in ROLE_PERMISSION.values() if codename != "review_city"]
REPORT_PERMISSIONS = [*SCOPE_PERMISSIONS, "regions.review_city"]


def _minimal_prefixes(codes: list[str]) -> list[str]:
    """Drop codes already covered by a shorter code in the list."""
    result: list[str] = []
    for code in sorted(set(codes), key=lambda item: (len(item), item)):
        if not any(code.startswith(prefix) for prefix in result):
            result.append(code)
    return result


def _granted_codes(user, permissions: tuple[str, ...]) -> list[str]:
    """The codes of the regions on which the user holds any of `permissions` (as object
    permissions, their own or a group's), asked of the database once per user object."""
    cache = getattr(user, "_aidflow_scope_cache", None)
    if cache is None:
        cache = user._aidflow_scope_cache = {}
    if permissions not in cache:
        regions = get_objects_for_user(
            user,
            list(permissions),
            klass=Region,
            any_perm=True,
            with_superuser=False,
            accept_global_perms=False,
        )
        cache[permissions] = list(regions.values_list("code", flat=True))
    return cache[permissions]


def scope_codes(user, permissions: list[str] | None = None) -> list[str]:
    """Region codes at the top of the user's scope (no code is a prefix of another).

    `permissions` narrows the scope to regions granted by those permissions, e.g.
    ["regions.review_township"] for where the user may review.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return _minimal_prefixes(_granted_codes(user, tuple(permissions or SCOPE_PERMISSIONS)))


def has_region_permission(user, permission: str, code: str) -> bool:
    """`user.has_perm(permission, <the Region with this code>)` as guardian answers it (active
    superusers hold every permission), from the grants read once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or code in _granted_codes(user, (permission,))


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
