"""API credentials: issuing a user's token is recorded like any other act."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from aidflow.api.authentication import token_expired, token_key, token_passed_second_step
from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record


def token_issue(*, user, second_step: bool = False) -> str:
    """The user's API token: the current one while it is valid, a new one after it expired or when
    this sign-in passed the second step and the current token did not; each issue is audited."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and (token_expired(token) or (second_step and not token_passed_second_step(token))):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user, key=token_key(second_step=second_step))
        audit_record(actor=user, action=AuditAction.TOKEN_ISSUED)
    return token.key


def token_revoke(*, user) -> bool:
    """Sign out of the API: the token is deleted (audited); False when there was none."""
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        audit_record(actor=user, action=AuditAction.TOKEN_REVOKED)
    return bool(deleted)
