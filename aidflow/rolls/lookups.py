"""Looking a person up on the rolls: who may ask about whom, and every look-up recorded."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import InputErrors, NotFound
from aidflow.core.fields import FieldReader
from aidflow.core.identity import mask_name, mask_resident_id, parse_resident_id
from aidflow.regions.codes import code_at
from aidflow.regions.models import Level, Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.rolls.selectors import roll_periods


def _may_see(user, regions: set[str]) -> bool:
    """A hospital clerk: people on a roll of any county in the hospital's city. Staff and auditors:
    people whose roll region lies in their scope."""
    if role_of(user) == Role.HOSPITAL_CLERK:
        hospital = user.staff.hospital
        city = code_at(hospital.county_id, Level.CITY)
        return any(region.startswith(city) for region in regions)
    return any(in_scope(user, region) for region in regions)


def roll_lookup(*, user, id_number: str, on: str | None = None) -> dict:
    """What the rolls say about a person on a day (INTERFACES section 7); NotFound for a person
    unknown or outside the caller's scope. Every look-up is audited, found or not."""
    reader = FieldReader()
    try:
        number = parse_resident_id(id_number or "", today=timezone.localdate()).number
    except ValidationError as error:
        reader.error("id_number", " ".join(error.messages))
        number = None
    day = reader.date({"on": on}, "on", "on", required=False) if on else timezone.localdate()
    if reader.errors:
        raise InputErrors(reader.errors)
    periods = list(roll_periods(number))
    regions = {period.region for period in periods}
    visible = bool(periods) and _may_see(user, regions)
    current = [period for period in periods if period.covers(day)]
    shown = current[0] if current else (periods[-1] if periods else None)
    audit_record(
        actor=user,
        action=AuditAction.ROLL_LOOKED_UP,
        region=shown.region if visible and shown else "",
        details={"id_number": mask_resident_id(number), "on": day.isoformat(), "found": visible},
    )
    if not visible:
        raise NotFound(_("Nobody with this ID number is on a roll you may see."))
    return {
        "id_number": mask_resident_id(number),
        "name": mask_name(shown.name),
        "on": day,
        "category": current[0].category if current else None,
        "region": shown.region,
        "periods": [
            {"category": period.category, "valid_from": period.valid_from, "valid_to": period.valid_to}
            for period in periods
        ],
    }
