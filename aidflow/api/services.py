"""API credentials: issuing a user's token is recorded like any other act."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from aidflow.api.authentication import token_expired
from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record


def token_issue(*, user) -> str:
    """The user's API token: the current one while it is valid, a new one after it expired; each
    issue is audited."""
    with transaction.atomic():
        token = Token.objects.select_for_update().filter(user=user).first()
        if token is not None and token_expired(token):
            token.delete()
            token = None
        if token is None:
            token = Token.objects.create(user=user)
        audit_record(actor=user, action=AuditAction.TOKEN_ISSUED)
    return token.key


def token_revoke(*, user) -> bool:
    """Sign out of the API: the token is deleted (audited); False when there was none."""
    with transaction.atomic():
        deleted, _rows = Token.objects.filter(user=user).delete()
        audit_record(actor=user, action=AuditAction.TOKEN_REVOKED)
    return bool(deleted)
