"""Services for regions and staff: the only code that writes them."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.tables import Table, table_of
from aidflow.regions.codes import level_of, normalise_code, parent_code
from aidflow.regions.models import (
    ROLE_LEVELS,
    ROLE_PERMISSION,
    Level,
    Region,
    Role,
    StaffProfile,
)

User = get_user_model()

# Model permissions of the admin role: it manages regions and staff in the Django admin and
# nothing else (it is not a superuser, so it holds no case scope).
ADMIN_MODEL_PERMISSIONS = [
    ("regions", "view_region"),
    ("regions", "add_region"),
    ("regions", "change_region"),
    ("regions", "view_staffprofile"),
    ("regions", "add_staffprofile"),
    ("regions", "change_staffprofile"),
    # Not change_user: Django's user form edits superuser flags and permissions, an escalation path.
    ("auth", "view_user"),
    ("auth", "view_group"),
    ("policy", "view_policyversion"),
    ("policy", "view_policyrule"),
    # The hospital register is imported; the admin corrects a hospital's bank account (history kept).
    ("rolls", "view_hospital"),
    ("rolls", "change_hospital"),
]


class RegionImportError(Exception):
    """A region file that cannot be imported; names the row and the reason."""


@dataclass(frozen=True)
class RegionImportResult:
    created: int
    updated: int
    unchanged: int


def _read_region_rows(table: Table) -> list[tuple[int, dict[str, str]]]:
    header = table.header
    if "code" not in header or "name" not in header:
        raise RegionImportError(
            _("Row 1 (header): the header must start with code,name; got %(header)s.")
            % {"header": ",".join(header) or _("nothing")}
        )
    # Row numbers count the header as row 1, as a spreadsheet shows them.
    return table.records()


def _refused(number: int, column: str, message: str) -> RegionImportError:
    return RegionImportError(
        _("Row %(row)d, %(field)s: %(message)s") % {"row": number, "field": column, "message": message}
    )


def regions_import(*, text: str | None = None, table: Table | None = None) -> RegionImportResult:
    """Create or update regions from `code,name[,level,source]` (CSV text, or a Table read from a
    CSV or XLSX file); all rows or none.

    Parents must exist already or appear in the same file. Importing the same file twice
    changes nothing the second time.
    """
    rows = _read_region_rows(table_of(text=text, table=table))
    if not rows:
        raise RegionImportError(_("The file has a header but no regions."))

    parsed: dict[str, tuple[int, str, str, str]] = {}
    for number, row in rows:
        raw_code = (row.get("code") or "").strip()
        try:
            code = normalise_code(raw_code)
        except ValidationError as error:
            raise _refused(number, "code", _("bad code: %(reason)s") % {"reason": " ".join(error.messages)}) from None
        name = (row.get("name") or "").strip()
        if not name:
            raise _refused(number, "name", _("the name of region %(code)s is empty.") % {"code": code})
        level = level_of(code)
        given_level = (row.get("level") or "").strip()
        if given_level:
            if given_level not in Level.values:
                raise _refused(
                    number,
                    "level",
                    _("unknown level %(level)r (use %(levels)s).")
                    % {"level": given_level, "levels": ", ".join(Level.values)},
                )
            if given_level != level:
                raise _refused(
                    number,
                    "level",
                    _("level %(level)s does not fit code %(code)s, which has %(length)d digits (%(expected)s).")
                    % {"level": given_level, "code": code, "length": len(code), "expected": level},
                )
        if code in parsed:
            raise _refused(
                number,
                "code",
                _("region %(code)s already appears in row %(first)d.") % {"code": code, "first": parsed[code][0]},
            )
        parsed[code] = (number, name, level, (row.get("source") or "").strip())

    with transaction.atomic():
        existing = {region.code: region for region in Region.objects.select_for_update().filter(code__in=parsed)}
        known_parents = set(
            Region.objects.filter(code__in={parent_code(code) for code in parsed} - {None}).values_list(
                "code", flat=True
            )
        )
        for code, (number, _name, _level, _source) in parsed.items():
            parent = parent_code(code)
            if parent is not None and parent not in parsed and parent not in known_parents:
                raise _refused(
                    number,
                    "code",
                    _("region %(code)s has no parent: %(parent)s is neither in the database nor in the file.")
                    % {"code": code, "parent": parent},
                )

        new_regions: list[Region] = []
        changed_regions: list[Region] = []
        unchanged = 0
        # Shorter codes first, so every parent is inserted before its children.
        for code in sorted(parsed, key=lambda item: (len(item), item)):
            _number, name, level, source = parsed[code]
            parent = parent_code(code)
            region = existing.get(code)
            if region is None:
                new_regions.append(Region(code=code, name=name, level=level, parent_id=parent, source=source))
            elif (region.name, region.level, region.parent_id, region.source) != (name, level, parent, source):
                region.name, region.level, region.parent_id, region.source = name, level, parent, source
                changed_regions.append(region)
            else:
                unchanged += 1
        Region.objects.bulk_create(new_regions)
        Region.objects.bulk_update(changed_regions, ["name", "level", "parent", "source"])
        created, updated = len(new_regions), len(changed_regions)
        if created or updated:
            audit_record(
                actor=None,
                actor_name="import_regions",
                action="regions_imported",
                details={"created": created, "updated": updated, "unchanged": unchanged},
            )
    return RegionImportResult(created=created, updated=updated, unchanged=unchanged)


def role_groups_ensure() -> dict[str, Group]:
    """The role groups, created on first use; the admin group carries its model permissions."""
    groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
    wanted = Permission.objects.none()
    for app_label, codename in ADMIN_MODEL_PERMISSIONS:
        wanted |= Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    groups[Role.ADMIN].permissions.add(*wanted)
    return groups


def staff_check(
    *,
    username: str,
    password: str | None,
    role: str,
    region_code: str | None,
    name: str | None = None,
    hospital=None,
) -> tuple[User | None, Region | None]:
    """Check a staff change without writing: returns (existing user or None, region).

    Raises ValidationError with a message per field (username, password, role, region).
    """
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors.setdefault("username", []).append(_("A username is required."))
    if role not in Role.values:
        errors.setdefault("role", []).append(
            _("Unknown role %(role)r; use one of %(roles)s.") % {"role": role, "roles": ", ".join(Role.values)}
        )

    region = None
    if role in Role.values:
        allowed_levels = ROLE_LEVELS[role]
        role_name = Role(role).label
        level_names = _(" or ").join(str(Level(level).label) for level in allowed_levels)
        if not allowed_levels:
            if region_code:
                errors.setdefault("region", []).append(
                    _("The role %(role)s works without a region; leave the region empty.") % {"role": role_name}
                )
        elif not region_code:
            errors.setdefault("region", []).append(
                _("The role %(role)s needs a region at %(levels)s level.") % {"role": role_name, "levels": level_names}
            )
        else:
            try:
                code = normalise_code(region_code)
            except ValidationError as error:
                errors.setdefault("region", []).extend(error.messages)
            else:
                region = Region.objects.filter(code=code).first()
                if region is None:
                    errors.setdefault("region", []).append(
                        _("Unknown region %(code)s: import the region file first.") % {"code": code}
                    )
                elif region.level not in allowed_levels:
                    errors.setdefault("region", []).append(
                        _("%(region)s is at %(level)s level; the role %(role)s needs a region at %(levels)s level.")
                        % {
                            "region": str(region),
                            "level": Level(region.level).label,
                            "role": role_name,
                            "levels": level_names,
                        }
                    )

    if role == Role.HOSPITAL_CLERK and hospital is None:
        errors.setdefault("hospital", []).append(_("A hospital settlement clerk needs a designated hospital."))
    if role != Role.HOSPITAL_CLERK and hospital is not None:
        errors.setdefault("hospital", []).append(_("Only a hospital settlement clerk works for a hospital."))

    user = User.objects.filter(username=username).first() if username else None
    if user is None and not password:
        errors.setdefault("password", []).append(_("A new staff member needs a password."))
    if password:
        candidate = user or User(username=username, first_name=name or "")
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            errors.setdefault("password", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return user, region


def staff_save(
    *,
    username: str,
    password: str | None,
    role: str,
    region_code: str | None,
    name: str | None = None,
    actor=None,
    hospital=None,
) -> User:
    """Create a staff member or update one by username: role group, profile and region scope.

    Raises ValidationError with a message per field; writes nothing when any check fails.
    """
    user, region = staff_check(
        username=username, password=password, role=role, region_code=region_code, name=name, hospital=hospital
    )
    username = username.strip()

    with transaction.atomic():
        groups = role_groups_ensure()
        created = user is None
        if user is None:
            user = User(username=username)
        if name is not None:
            user.first_name = name
        if password:
            user.set_password(password)
        user.is_staff = role == Role.ADMIN
        user.save()

        profile = StaffProfile.objects.select_for_update().filter(user=user).first()
        old_role = profile.role if profile is not None else None
        old_region_code = profile.region_id if profile is not None else None
        if profile is not None and profile.region_id:
            old_region = profile.region
            for permission in ROLE_PERMISSION.values():
                remove_perm(f"regions.{permission}", user, old_region)
        if profile is None:
            profile = StaffProfile(user=user)
        profile.role = role
        profile.region = region
        old_hospital = profile.hospital_id
        profile.hospital = hospital
        profile.save()

        user.groups.remove(*[group for name_, group in groups.items() if name_ != role])
        user.groups.add(groups[role])
        if region is not None:
            assign_perm(f"regions.{ROLE_PERMISSION[role]}", user, region)
        audit_record(
            actor=actor,
            actor_name=None if actor is not None else "manage.py",
            action="staff_saved",
            region=region.code if region is not None else "",
            details={
                "username": user.username,
                "created": created,
                "role": [old_role, role],
                "region": [old_region_code, region.code if region is not None else None],
                "hospital": [old_hospital, hospital.code if hospital is not None else None],
                "permission": f"regions.{ROLE_PERMISSION[role]}" if role in ROLE_PERMISSION else None,
                "password_changed": bool(password),
            },
        )
    return user


def staff_set_active(*, users, active: bool, actor=None) -> int:
    """Deactivate (or reactivate) staff accounts: a deactivated user is signed out on the next
    request and the API token is deleted; each change is audited. Returns how many changed."""
    changed = 0
    with transaction.atomic():
        for user in users:
            if user.is_active == active:
                continue
            if not active and actor is not None and user.pk == actor.pk:
                raise ValidationError({"user": [_("You cannot deactivate your own account.")]})
            user.is_active = active
            user.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action=AuditAction.STAFF_REACTIVATED if active else AuditAction.STAFF_DEACTIVATED,
                details={"username": user.get_username()},
            )
            changed += 1
    return changed
