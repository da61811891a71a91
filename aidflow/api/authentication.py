"""API tokens that expire: a token older than API_TOKEN_TTL_HOURS no longer authenticates (it is
deleted, and the next sign-in issues a new one); changing the password or deactivating the
account deletes the user's token at once."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The token has expired: sign in again."))
        return user, token


def tokens_revoke_on_credentials_change(sender, instance, **kwargs):
    """pre_save of the user: a new password or a deactivation deletes the API token."""
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        Token.objects.filter(user_id=instance.pk).delete()
