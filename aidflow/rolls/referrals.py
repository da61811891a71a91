"""Referrals on file (转诊备案, seed 002 lines ~1772, ~1792): recording that a person was referred to a
higher-level or out-of-county hospital, so that stay counts for medical aid (INTERFACES section 11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, InputErrors
from aidflow.core.fields import FieldReader
from aidflow.core.identity import mask_resident_id, parse_resident_id
from aidflow.core.numbering import take_next
from aidflow.regions.codes import county_of
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of, scope_q
from aidflow.rolls.models import Hospital, Referral, ReferralCounter, RollPeriod

# Who records referrals: the staff who file and review cases of the person's region, and the
# referring hospital's settlement clerk.
STAFF_ROLES = (Role.VILLAGE_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_APPROVER)
READERS = (*STAFF_ROLES, Role.AUDITOR, Role.COUNTY_FINANCE, Role.HOSPITAL_CLERK)


def _hospital(reader: FieldReader, data: dict, key: str, *, required: bool) -> Hospital | None:
    code = reader.text(data, key, key, required=required, max_length=30)
    if not code:
        return None
    hospital = Hospital.objects.filter(code__iexact=code.strip()).select_related("county").first()
    if hospital is None:
        reader.error(key, _("%(code)s is not a designated hospital on the register.") % {"code": code})
    return hospital


def _person_region(user, id_number: str) -> str:
    """Where the person belongs: their latest roll period's region, else the recording user's own
    region (a hospital clerk: the hospital's county)."""
    period = RollPeriod.objects.filter(id_number=id_number).order_by("-valid_from").first()
    if period is not None:
        return period.region
    if role_of(user) == Role.HOSPITAL_CLERK:
        return user.staff.hospital.county_id
    return user.staff.region_id


def referral_record(*, user, data: object) -> Referral:
    """Record a referral: {id_number, name, from_hospital_code?, to_hospital_code, date, diagnosis}."""
    role = role_of(user)
    if role not in (*STAFF_ROLES, Role.HOSPITAL_CLERK):
        raise ActionForbidden(
            _("Referrals are recorded by village, township and county staff, or the referring hospital.")
        )
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    today = timezone.localdate()
    reader = FieldReader()
    raw_id = reader.text(data, "id_number", "id_number", max_length=18)
    number = None
    if raw_id:
        try:
            number = parse_resident_id(raw_id, today=today).number
        except ValidationError as error:
            reader.error("id_number", " ".join(error.messages))
    name = reader.text(data, "name", "name", max_length=50)
    from_hospital = _hospital(reader, data, "from_hospital_code", required=False)
    to_hospital = _hospital(reader, data, "to_hospital_code", required=True)
    day = reader.date(data, "date", "date")
    if day and day > today:
        reader.error("date", _("The referral date is in the future."))
    diagnosis = reader.text(data, "diagnosis", "diagnosis", max_length=200)
    if role == Role.HOSPITAL_CLERK:
        own = user.staff.hospital
        if from_hospital is None and "from_hospital_code" not in reader.errors:
            from_hospital = own
        elif from_hospital is not None and from_hospital.pk != own.pk:
            reader.error("from_hospital_code", _("A hospital records only the referrals it makes itself."))
    if from_hospital is not None and to_hospital is not None and from_hospital.pk == to_hospital.pk:
        reader.error("to_hospital_code", _("A referral goes to another hospital."))
    reader.raise_if_any()

    region = _person_region(user, number)
    if role != Role.HOSPITAL_CLERK and not in_scope(user, region):
        raise InputErrors(
            {
                "id_number": [
                    _("This person is on the roll of region %(region)s, outside your region.") % {"region": region}
                ]
            }
        )
    with transaction.atomic():
        county = county_of(region)
        sequence = take_next(ReferralCounter, county=county, year=today.year)
        referral = Referral.objects.create(
            number=f"ZZ-{county}-{today.year}-{sequence:05d}",
            id_number=number,
            name=name,
            region=region,
            from_hospital=from_hospital,
            to_hospital=to_hospital,
            date=day,
            diagnosis=diagnosis,
            recorded_by=user,
        )
        audit_record(
            actor=user,
            action=AuditAction.REFERRAL_RECORDED,
            region=region,
            details={
                "number": referral.number,
                "id_number": mask_resident_id(number),
                "from": from_hospital.code if from_hospital else None,
                "to": to_hospital.code,
                "date": day.isoformat(),
            },
        )
    return referral


def referrals_visible(user) -> QuerySet[Referral]:
    """Staff and auditors: referrals of people in their scope; a hospital clerk: those from or to
    its hospital."""
    role = role_of(user)
    queryset = Referral.objects.select_related("from_hospital", "to_hospital")
    if role == Role.HOSPITAL_CLERK:
        hospital = user.staff.hospital
        return queryset.filter(Q(from_hospital=hospital) | Q(to_hospital=hospital))
    if role not in READERS:
        return queryset.none()
    return queryset.filter(scope_q(user, "region"))


def referrals_list(*, user, id_number: str | None = None) -> list[Referral]:
    """A person's referrals (or the latest in scope), the read audited."""
    if role_of(user) not in READERS:
        raise ActionForbidden(_("Your role does not read referrals."))
    queryset = referrals_visible(user)
    masked = ""
    if id_number:
        try:
            number = parse_resident_id(id_number, today=timezone.localdate()).number
        except ValidationError as error:
            raise InputErrors({"id_number": error.messages}) from None
        queryset = queryset.filter(id_number=number)
        masked = mask_resident_id(number)
    referrals = list(queryset.order_by("-date", "-pk")[:200])
    audit_record(
        actor=user,
        action=AuditAction.REFERRALS_READ,
        details={"id_number": masked, "count": len(referrals)},
    )
    return referrals
