"""Who sees which verification: the patient's township, the county's approver and auditors in scope;
the county's open ones first by due date."""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from aidflow.core.errors import NotFound
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of, scope_q
from aidflow.verifications.models import Verification, VerificationStatus

READERS = (Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER, Role.AUDITOR)


def verifications_visible(user) -> QuerySet[Verification]:
    if role_of(user) not in READERS or not user.is_active:
        return Verification.objects.none()
    return Verification.objects.filter(scope_q(user, "region")).select_related(
        "settlement", "settlement__hospital", "settlement__claim", "answered_by"
    )


def verifications_ordered(queryset: QuerySet[Verification]) -> QuerySet[Verification]:
    """Open first by due date, then findings, then the rest, newest first."""
    rank = Case(
        When(status=VerificationStatus.OPEN, then=Value(0)),
        When(finding=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return queryset.annotate(rank=rank).order_by("rank", "due_date", "-answered_at", "-pk")


def verification_get(*, user, pk) -> Verification:
    try:
        return verifications_visible(user).get(pk=pk)
    except (Verification.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such verification.")) from None
