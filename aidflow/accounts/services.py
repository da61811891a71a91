"""What an administrator does for a colleague who cannot sign in: lift the lock that failed
sign-ins put on a username (django-axes), and take away a lost authenticator so that its owner
enrols a new one at the next sign-in. Each change is audited, naming the user."""

from __future__ import annotations

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record


def failed_sign_ins(usernames) -> dict[str, int]:
    """Failed sign-ins per username that still count (inside the cool-off period); absent: none."""
    threshold = timezone.now() - get_cool_off()
    rows = (
        AccessAttempt.objects.filter(username__in=list(usernames), attempt_time__gte=threshold)
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {row["username"]: row["failures"] or 0 for row in rows}


def is_locked(failures: int) -> bool:
    return failures >= settings.AXES_FAILURE_LIMIT


def enrolled_users(users) -> set[int]:
    """The ids of those users who have a confirmed authenticator."""
    return set(
        TOTPDevice.objects.filter(user__in=list(users), confirmed=True).values_list("user_id", flat=True).distinct()
    )


def _region_of(user) -> str:
    """The region the user works in, so the region's auditors see the event too."""
    profile = getattr(user, "staff", None)
    return (profile.region_id or "") if profile is not None else ""


def account_unlock(*, users, actor) -> int:
    """Forget the failed sign-ins of these users, so they may sign in at once; returns how many
    accounts had any. Each such account gets an audit event naming it and the failures forgotten."""
    unlocked = 0
    with transaction.atomic():
        for user in users:
            username = user.get_username()
            attempts = AccessAttempt.objects.select_for_update().filter(username=username)
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            if not failures:
                continue
            attempts.delete()
            audit_record(
                actor=actor,
                region=_region_of(user),
                action=AuditAction.ACCOUNT_UNLOCKED,
                details={"username": username, "failures": failures},
            )
            unlocked += 1
    return unlocked


def two_factor_reset(*, users, actor) -> int:
    """Delete the authenticators and recovery codes of these users; each enrols a new authenticator
    at the next sign-in, and a session verified with the old one must verify again. Returns how
    many users had any. An administrator cannot reset their own: another one does it."""
    reset = 0
    with transaction.atomic():
        for user in users:
            if actor is not None and user.pk == actor.pk:
                message = _("You cannot reset your own authenticator; ask another administrator.")
                raise ValidationError({"user": [message]})
            authenticators, _details = TOTPDevice.objects.filter(user=user).delete()
            recovery, _details = StaticDevice.objects.filter(user=user).delete()
            if not authenticators and not recovery:
                continue
            audit_record(
                actor=actor,
                region=_region_of(user),
                action=AuditAction.TWO_FACTOR_RESET,
                details={"username": user.get_username()},
            )
            reset += 1
    return reset
