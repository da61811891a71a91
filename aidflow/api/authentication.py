"""API tokens that expire: a token older than API_TOKEN_TTL_HOURS no longer authenticates (it is
deleted, and the next sign-in issues a new one); changing the password or deactivating the
account deletes the user's token at once."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed


def token_expired(token: Token) -> bool:
    return token.created < timezone.now() - datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def _second_step_mark(nonce: str) -> str:
    message = f"aidflow.api.token.second-step:{nonce}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:16]


def token_key(*, second_step: bool) -> str:
    """A new token's key (40 hex digits, as DRF's): 24 random, then 16 that prove, under
    SECRET_KEY, that the sign-in which issued it passed the second step (random otherwise)."""
    nonce = secrets.token_hex(12)
    return nonce + (_second_step_mark(nonce) if second_step else secrets.token_hex(8))


def token_passed_second_step(token: Token) -> bool:
    key = token.key or ""
    return len(key) == 40 and hmac.compare_digest(_second_step_mark(key[:24]), key[24:])


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key):
        from aidflow.accounts.twofactor import two_factor_required

        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise AuthenticationFailed(_("The token has expired: sign in again."))
        # A token issued before the user's role (or the deployment) asked for a second step does
        # not carry one: it is refused until a sign-in with the authenticator's code replaces it.
        if two_factor_required(user) and not token_passed_second_step(token):
            raise AuthenticationFailed(
                _("Your role now signs in with a second step: ask for a new token with the authenticator's code.")
            )
        return user, token


def tokens_revoke_on_credentials_change(sender, instance, **kwargs):
    """pre_save of the user: a new password or a deactivation deletes the API token."""
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        Token.objects.filter(user_id=instance.pk).delete()
