"""Writing what an import's rows decided (aidflow.rolls.importing): the roll periods and the
register, each change of a period kept in the person's roll history, a row on another county's roll
the same day held as a conflict. Inside the caller's transaction; a chunk of rows at a time."""

from __future__ import annotations

import datetime

from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.inserts import rows_insert
from aidflow.regions.models import Region
from aidflow.rolls.importing import ADDED, CLOSED, CONFLICTS, HOSPITAL_FIELDS, MOVED, UNCHANGED, UPDATED, RowOutcome
from aidflow.rolls.models import Hospital, RollChange, RollChangeKind, RollConflict, RollPeriod

CHUNK = 5000
PERIOD_COLUMNS = ["id_number", "category", "valid_from", "name", "region", "valid_to"]
CHANGE_COLUMNS = [
    "id_number",
    "category",
    "valid_from",
    "kind",
    "region",
    "valid_to",
    "before",
    "import_number",
    "source",
    "actor",
    "at",
]
CHANGE_KINDS = {
    ADDED: RollChangeKind.ADDED,
    UPDATED: RollChangeKind.UPDATED,
    CLOSED: RollChangeKind.CLOSED,
    MOVED: RollChangeKind.MOVED,
    CONFLICTS: RollChangeKind.HELD,
}


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _change(outcome: RowOutcome, *, at, actor, source: str, import_number: int | None) -> tuple:
    """A RollChange row in the order of CHANGE_COLUMNS."""
    person, category, start = outcome.key
    fields = outcome.fields
    kind = CHANGE_KINDS[outcome.outcome]
    actor_id = actor.pk if actor else None
    return (
        person,
        category,
        _day(start),
        kind,
        fields["region"],
        _day(fields["valid_to"]),
        outcome.before,
        import_number,
        source,
        actor_id,
        at,
    )


def recipients_apply(
    outcomes: list[RowOutcome], *, actor=None, source: str, import_number: int | None = None, sha256: str = ""
) -> dict[str, int]:
    """Write the rows' outcomes; returns {"created", "updated", "held"}."""
    at = timezone.now()
    created = updated = held = 0
    for first in range(0, len(outcomes), CHUNK):
        chunk = [outcome for outcome in outcomes[first : first + CHUNK] if outcome.outcome != UNCHANGED]
        new, changed, conflicts = [], [], []
        for outcome in chunk:
            person, category, start = outcome.key
            fields = outcome.fields
            values = {"name": fields["name"], "region": fields["region"], "valid_to": _day(fields["valid_to"])}
            if outcome.outcome == CONFLICTS:
                conflicts.append(
                    RollConflict(
                        id_number=person,
                        category=category,
                        valid_from=_day(start),
                        county=fields["region"][:6],
                        other_county=outcome.other,
                        import_number=import_number,
                        row=outcome.row,
                        created_at=at,
                        **values,
                    )
                )
            elif outcome.pk is None:
                new.append((person, category, _day(start), values["name"], values["region"], values["valid_to"]))
            else:
                changed.append(RollPeriod(pk=outcome.pk, **values))
        rows_insert(RollPeriod, PERIOD_COLUMNS, new)
        RollPeriod.objects.bulk_update(changed, ["name", "region", "valid_to"])
        RollConflict.objects.bulk_create(conflicts)
        changes = [
            _change(outcome, at=at, actor=actor, source=source, import_number=import_number) for outcome in chunk
        ]
        rows_insert(RollChange, CHANGE_COLUMNS, changes)
        created, updated, held = created + len(new), updated + len(changed), held + len(conflicts)
    result = {"created": created, "updated": updated, "held": held}
    audit_record(
        actor=actor,
        actor_name="" if actor else source,
        action=AuditAction.RECIPIENTS_IMPORTED,
        details={"rows": len(outcomes), **result, "import": import_number, "sha256": sha256},
    )
    return result


def hospitals_apply(
    outcomes: list[RowOutcome], *, actor=None, source: str, import_number: int | None = None, sha256: str = ""
) -> dict[str, int]:
    counties = {
        region.code: region for region in Region.objects.filter(code__in={o.fields["county"] for o in outcomes})
    }
    new, changed = [], []
    for outcome in outcomes:
        if outcome.outcome == UNCHANGED:
            continue
        values = dict(outcome.fields)
        values["county"] = counties[values["county"]]
        values["designated_from"] = _day(values["designated_from"])
        values["designated_to"] = _day(values["designated_to"])
        if outcome.pk is None:
            new.append(Hospital(code=outcome.key[0], **values))
        else:
            changed.append(Hospital(pk=outcome.pk, **values))
    Hospital.objects.bulk_create(new)
    Hospital.objects.bulk_update(changed, list(HOSPITAL_FIELDS))
    result = {"created": len(new), "updated": len(changed), "held": 0}
    audit_record(
        actor=actor,
        actor_name="" if actor else source,
        action=AuditAction.HOSPITALS_IMPORTED,
        details={"rows": len(outcomes), **result, "import": import_number, "sha256": sha256},
    )
    return result
