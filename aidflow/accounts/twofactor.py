"""Two-factor sign-in (TOTP, django-otp) for the roles that decide and pay: county approvers,
county finance and administrators. Enrolment shows a QR code and gives ten one-time recovery
codes; AIDFLOW_REQUIRE_2FA switches it off (the demo, the tests)."""

from __future__ import annotations

import base64
import io
import secrets

from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of

TWO_FACTOR_ROLES = (Role.COUNTY_APPROVER, Role.COUNTY_FINANCE, Role.ADMIN)
RECOVERY_CODES = 10


def two_factor_required(user) -> bool:
    """The roles that decide and pay, and anyone who can reach the admin site."""
    if not settings.AIDFLOW_REQUIRE_2FA:
        return False
    return role_of(user) in TWO_FACTOR_ROLES or user.is_staff or user.is_superuser


def enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolment_device(user) -> TOTPDevice:
    """The user's unconfirmed authenticator device, created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_data_uri(device: TOTPDevice) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def enrol_confirm(request, code: str) -> list[str] | None:
    """Confirm the authenticator with a first code: returns the new recovery codes (shown once),
    or None for a wrong code. The session is then verified."""
    user = request.user
    device = enrolment_device(user)
    if not device.verify_token((code or "").strip()):
        audit_record(actor=user, action=AuditAction.TWO_FACTOR_FAILED, details={"step": "enrolment"})
        return None
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
        codes = [secrets.token_hex(4) for _index in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
        audit_record(actor=user, action=AuditAction.TWO_FACTOR_ENROLLED)
    otp_login(request, device)
    return codes


def code_device(user, code: str):
    """The device that accepts `code` (an authenticator code or an unused recovery code), or None."""
    code = (code or "").strip().replace(" ", "")
    if not code:
        return None
    for device in TOTPDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):
            return device
    return None


def verify_session(request, code: str) -> bool:
    device = code_device(request.user, code)
    if device is None:
        audit_record(actor=request.user, action=AuditAction.TWO_FACTOR_FAILED, details={"step": "sign-in"})
        return False
    otp_login(request, device)
    audit_record(
        actor=request.user,
        action=AuditAction.TWO_FACTOR_VERIFIED,
        details={"method": "recovery code" if isinstance(device, StaticDevice) else "authenticator"},
    )
    return True
