"""API credentials: issuing a user's token is recorded like any other act."""

from rest_framework.authtoken.models import Token

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record


def token_issue(*, user) -> str:
    """The user's API token (created on first use); each issue is audited."""
    token, _created = Token.objects.get_or_create(user=user)
    audit_record(actor=user, action=AuditAction.TOKEN_ISSUED)
    return token.key
