"""Logins, failed logins and lockouts are audited as they happen."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.clients import LOGIN_WINDOW, client_ip, window_count


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT)


# Failed sign-ins recorded one by one per address and minute; beyond, one event says how the rest
# are only counted, so a flood of attempts cannot flood the chain (or hold its lock).
FAILED_LOGINS_RECORDED_PER_MINUTE = 10


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = str((credentials or {}).get("username", ""))[:150]
    address = client_ip(request) if request is not None else ""
    window_count("login-failed", address, LOGIN_WINDOW)
    count = window_count("login-failed-audited", address, 60)
    if count <= FAILED_LOGINS_RECORDED_PER_MINUTE:
        # The password is never recorded; the username tried is.
        audit_record(actor=None, actor_name=username, action=AuditAction.LOGIN_FAILED, details={"username": username})
    elif count == FAILED_LOGINS_RECORDED_PER_MINUTE + 1:
        audit_record(
            actor=None,
            actor_name="",
            action=AuditAction.LOGIN_FAILURES_SUPPRESSED,
            details={"address": address, "recorded": FAILED_LOGINS_RECORDED_PER_MINUTE, "per": "minute"},
        )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        actor=None,
        actor_name=username or "",
        action=AuditAction.LOCKOUT,
        details={"username": username, "user_exists": user is not None},
    )
