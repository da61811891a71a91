"""Suspending a designated hospital (暂停定点资格, issue 30 item 4): the county approver of the
hospital's county suspends its designation from a day, with the reason, and lifts it again; each
change audited. While a suspension is in force the hospital's settlement window makes no new
settlement (aidflow.settlements.services.window) and its claims show the suspension."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.fields import FieldReader
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.rolls.models import Hospital, HospitalSuspension

APPROVE = ["regions.approve_county"]


def suspension_in_force(hospital: Hospital, day: datetime.date) -> HospitalSuspension | None:
    """The suspension that stops the hospital's window on `day`, if any."""
    for suspension in hospital.suspensions.filter(suspended_from__lte=day).order_by("-suspended_from"):
        if suspension.in_force_on(day):
            return suspension
    return None


def suspension_message(suspension: HospitalSuspension) -> str:
    """What the window and the claim pages say of a suspension."""
    return _("The county suspended this hospital's designation from %(day)s (reason: %(reason)s).") % {
        "day": suspension.suspended_from.isoformat(),
        "reason": suspension.reason,
    }


def suspension_json(suspension: HospitalSuspension | None) -> dict | None:
    if suspension is None:
        return None
    return {
        "hospital": suspension.hospital.code,
        "suspended_from": suspension.suspended_from.isoformat(),
        "reason": suspension.reason,
        "suspended_by": suspension.suspended_by.username,
        "lifted_on": suspension.lifted_on.isoformat() if suspension.lifted_on else None,
        "lift_reason": suspension.lift_reason,
    }


def hospital_for_county(user, code: str) -> Hospital:
    """The hospital, for the approver of its county: 403 for another role, 404 outside scope."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("Only the county approver suspends a hospital's designation."))
    hospital = Hospital.objects.select_related("county").filter(code=code).first()
    if hospital is None or not in_scope(user, hospital.county_id, APPROVE):
        raise NotFound(_("No such hospital in your county."))
    return hospital


def _payload(data: object) -> tuple[dict, FieldReader]:
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    return data, FieldReader()


def hospital_suspend(*, user, code: str, data: object) -> HospitalSuspension:
    """`{"from": date, "reason"}`: suspend the designation from that day (today or later, or a day
    already past); 409 while another suspension is not lifted."""
    hospital = hospital_for_county(user, code)
    data, reader = _payload(data)
    day = reader.date(data, "from", "from")
    reason = reader.text(data, "reason", "reason", max_length=500)
    if day is not None and day < hospital.designated_from:
        reader.error("from", _("The hospital was designated only from %(day)s.") % {"day": hospital.designated_from})
    reader.raise_if_any()
    try:
        with transaction.atomic():
            Hospital.objects.select_for_update().get(pk=hospital.pk)
            if hospital.suspensions.filter(lifted_at__isnull=True).exists():
                raise Conflict({"from": [_("This hospital is already suspended: lift that suspension first.")]})
            suspension = HospitalSuspension.objects.create(
                hospital=hospital,
                suspended_from=day,
                reason=reason,
                suspended_by=user,
                suspended_at=timezone.now(),
            )
            audit_record(
                actor=user,
                action=AuditAction.HOSPITAL_SUSPENDED,
                region=hospital.county_id,
                details={"hospital": hospital.code, "from": day.isoformat(), "reason": reason},
            )
    except IntegrityError:
        raise Conflict({"from": [_("This hospital is already suspended: lift that suspension first.")]}) from None
    return suspension


def hospital_lift(*, user, code: str, data: object) -> HospitalSuspension:
    """`{"reason"}`: lift the hospital's suspension from today; 409 when it is not suspended."""
    hospital = hospital_for_county(user, code)
    data, reader = _payload(data)
    reason = reader.text(data, "reason", "reason", max_length=500)
    reader.raise_if_any()
    with transaction.atomic():
        suspension = (
            HospitalSuspension.objects.select_for_update().filter(hospital=hospital, lifted_at__isnull=True).first()
        )
        if suspension is None:
            raise Conflict({"hospital": [_("This hospital is not suspended.")]})
        today = timezone.localdate()
        suspension.lifted_on, suspension.lifted_at = max(today, suspension.suspended_from), timezone.now()
        suspension.lifted_by, suspension.lift_reason = user, reason
        suspension.save(update_fields=["lifted_on", "lifted_at", "lifted_by", "lift_reason"])
        audit_record(
            actor=user,
            action=AuditAction.HOSPITAL_SUSPENSION_LIFTED,
            region=hospital.county_id,
            details={
                "hospital": hospital.code,
                "from": suspension.suspended_from.isoformat(),
                "lifted_on": suspension.lifted_on.isoformat(),
                "reason": reason,
            },
        )
    return suspension
