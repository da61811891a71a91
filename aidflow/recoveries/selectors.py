"""Reads of revocations and recoveries: who sees which (the county's finance officers, its approver
and auditors in scope), and the figures the monthly statistics show."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from aidflow.core.errors import NotFound
from aidflow.recoveries.models import EntryKind, EntryStatus, Recovery, RecoveryEntry, Revocation
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_q

ZERO = Decimal("0.00")
READERS = (Role.COUNTY_FINANCE, Role.COUNTY_APPROVER, Role.AUDITOR)


def recoveries_visible(user) -> QuerySet[Recovery]:
    if role_of(user) not in READERS or not user.is_active:
        return Recovery.objects.none()
    return Recovery.objects.filter(scope_q(user, "county")).select_related("revocation", "revocation__notice")


def recovery_get(*, user, pk) -> Recovery:
    try:
        return recoveries_visible(user).get(pk=pk)
    except (Recovery.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such recovery.")) from None


def recovery_entries(recovery: Recovery) -> list[RecoveryEntry]:
    return list(recovery.entries.select_related("recorded_by", "decided_by", "claim"))


def revocation_of(*, application=None, settlement=None) -> Revocation | None:
    """The item's revocation with its notice and recovery, or None."""
    queryset = Revocation.objects.select_related("notice", "revoked_by")
    if application is not None:
        return queryset.filter(application=application).first()
    return queryset.filter(settlement=settlement).first()


def recovery_of(revocation: Revocation | None) -> Recovery | None:
    if revocation is None:
        return None
    return Recovery.objects.filter(revocation=revocation).first()


def person_revocations(*, user, id_number: str) -> tuple[list[Revocation], list[Recovery]]:
    """A person's revocations and recoveries within the reader's region."""
    revocations = list(
        Revocation.objects.filter(id_number=id_number)
        .filter(scope_q(user, "region"))
        .select_related("notice")
        .order_by("revoked_at", "pk")
    )
    recoveries = list(Recovery.objects.filter(revocation__in=revocations).select_related("revocation"))
    return revocations, recoveries


def recoveries_month(*, region: str, first, last) -> dict[str, Decimal]:
    """A region's recoveries block of a month: owed (recoveries made in the month), and what was
    repaid, offset and written off in it; `outstanding` is what all of the region's recoveries still
    owe at the end of the month's records (today for the current month)."""
    created = Recovery.objects.filter(
        revocation__region__startswith=region, created_at__date__gte=first, created_at__date__lte=last
    ).aggregate(total=Sum("amount"))["total"]
    entries = RecoveryEntry.objects.filter(
        recovery__revocation__region__startswith=region,
        status=EntryStatus.RECORDED,
        day__gte=first,
        day__lte=last,
    )
    sums = {kind: ZERO for kind in EntryKind.values}
    for kind, total in entries.values_list("kind").annotate(total=Sum("amount")).order_by():
        sums[kind] = total or ZERO
    outstanding = Recovery.objects.filter(revocation__region__startswith=region).aggregate(total=Sum("outstanding"))[
        "total"
    ]
    return {
        "owed": created or ZERO,
        "repaid": sums[EntryKind.REPAYMENT],
        "offset": sums[EntryKind.OFFSET],
        "written_off": sums[EntryKind.WRITE_OFF],
        "outstanding": outstanding or ZERO,
    }
