"""Persons on the rolls of two counties the same day (issue 29, INTERFACES section 14). The later
import's row is held; both counties see it. The county whose roll holds the person may release them
(its period then ends the day before the held one begins, and the held row is written), or the
importing county withdraws its row, or applies it once nothing overlaps any more. Each step is kept
in the person's roll history and the audit log."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of, scope_codes
from aidflow.rolls.importing import iso_or_none, overlapping
from aidflow.rolls.models import ConflictStatus, RollChange, RollChangeKind, RollConflict, RollPeriod

ACTIONS = ("release", "apply", "withdraw")
APPROVE = ["regions.approve_county"]


def conflicts_of(user, *, status: str | None = ConflictStatus.OPEN):
    """The conflicts either side of which lies in the user's scope, newest first."""
    codes = [code for code in scope_codes(user) if code]
    if not codes:
        return RollConflict.objects.none()
    where = Q()
    for code in codes:
        where |= Q(county__startswith=code[:6]) | Q(other_county__startswith=code[:6])
    found = RollConflict.objects.filter(where)
    return found.filter(status=status) if status else found


def _history(conflict: RollConflict, kind: str, *, user, at, before: dict | None = None, period=None) -> RollChange:
    source = period or conflict
    return RollChange(
        id_number=conflict.id_number,
        category=source.category,
        valid_from=source.valid_from,
        kind=kind,
        region=source.region,
        valid_to=source.valid_to,
        before=before or {},
        import_number=conflict.import_number,
        source="roll_conflict",
        actor=user,
        at=at,
    )


def _write_held(conflict: RollConflict) -> RollPeriod:
    values = {"name": conflict.name, "region": conflict.region, "valid_to": conflict.valid_to}
    period, _created = RollPeriod.objects.update_or_create(
        id_number=conflict.id_number, category=conflict.category, valid_from=conflict.valid_from, defaults=values
    )
    return period


def conflict_resolve(*, user, pk: int, data: object) -> RollConflict:
    """`{"action": "release" | "apply" | "withdraw", "note"}`: release by the county holding the
    person, apply or withdraw by the importing county (its approver)."""
    if role_of(user) != Role.COUNTY_APPROVER:
        raise ActionForbidden(_("A county approver resolves a conflict between rolls."))
    if not isinstance(data, dict):
        raise InputErrors({"body": [_("The request is a JSON object.")]})
    action, note = data.get("action"), str(data.get("note") or "").strip()
    if action not in ACTIONS:
        raise InputErrors({"action": [_("The action is release, apply or withdraw.")]})
    if len(note) > 500:
        raise InputErrors({"note": [_("At most 500 characters.")]})
    with transaction.atomic():
        conflict = conflicts_of(user, status=None).select_for_update().filter(pk=pk).first()
        if conflict is None:
            raise NotFound(_("No such conflict in your county."))
        if conflict.status != ConflictStatus.OPEN:
            raise Conflict({"status": [_("This conflict was already resolved.")]})
        side = conflict.other_county if action == "release" else conflict.county
        if not in_scope(user, side, APPROVE):
            who = _("the county holding the person") if action == "release" else _("the importing county")
            raise ActionForbidden(_("Only %(who)s may do this.") % {"who": who})
        at = timezone.now()
        changes = []
        clashing = list(overlapping(conflict.id_number, conflict.county, conflict.valid_from, conflict.valid_to))
        if action == "release":
            end = conflict.valid_from - datetime.timedelta(days=1)
            for period in clashing:
                if period.valid_from > end:
                    message = _(
                        "Your period of %(category)s begins on %(day)s, not before the held one: end it by an import."
                    )
                    raise Conflict({"action": [message % {"category": period.category, "day": period.valid_from}]})
                before = {"name": period.name, "region": period.region, "valid_to": iso_or_none(period.valid_to)}
                period.valid_to = end
                period.save(update_fields=["valid_to"])
                changes.append(
                    _history(conflict, RollChangeKind.CLOSED, user=user, at=at, before=before, period=period)
                )
        elif action == "apply" and clashing:
            raise Conflict({"action": [_("The other county's roll still holds this person on these days.")]})
        if action == "withdraw":
            conflict.status = ConflictStatus.WITHDRAWN
            changes.append(_history(conflict, RollChangeKind.WITHDRAWN, user=user, at=at))
        else:
            _write_held(conflict)
            conflict.status = ConflictStatus.RELEASED if action == "release" else ConflictStatus.APPLIED
            changes.append(_history(conflict, RollChangeKind.RELEASED, user=user, at=at))
        conflict.resolved_by, conflict.resolved_at, conflict.note = user, at, note
        conflict.save(update_fields=["status", "resolved_by", "resolved_at", "note"])
        RollChange.objects.bulk_create(changes)
        audit_record(
            actor=user,
            action=AuditAction.ROLL_CONFLICT_RESOLVED,
            region=conflict.county,
            details={
                "conflict": conflict.pk,
                "action": action,
                "county": conflict.county,
                "other_county": conflict.other_county,
                "category": conflict.category,
                "valid_from": conflict.valid_from.isoformat(),
                "note": note,
            },
        )
    return conflict


def roll_history(id_number: str) -> list[RollChange]:
    return list(RollChange.objects.filter(id_number=id_number).select_related("actor")[:200])
