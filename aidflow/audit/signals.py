"""Logins, failed logins and lockouts are audited as they happen."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=AuditAction.LOGIN)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action=AuditAction.LOGOUT)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "")[:150]
    # The password is never recorded; the username tried is.
    audit_record(actor=None, actor_name=username, action=AuditAction.LOGIN_FAILED, details={"username": username})


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        actor=None,
        actor_name=username or "",
        action=AuditAction.LOCKOUT,
        details={"username": username, "user_exists": user is not None},
    )
