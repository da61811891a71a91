"""Importing the hospital register and the rolls: every row checked, all rows or none, idempotent.
Row numbers count the header as row 1, as a spreadsheet shows them (INTERFACES section 2)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_record
from aidflow.core.identity import parse_resident_id
from aidflow.core.payment import ACCOUNT
from aidflow.core.tables import Table, date_text, table_of
from aidflow.policy.models import CATEGORY_GROUP, POVERTY_REGISTERED, CategoryGroup, PolicyVersion
from aidflow.regions.codes import normalise_code
from aidflow.regions.models import Level, Region
from aidflow.rolls.models import Hospital, RollPeriod

HOSPITAL_HEADER = ["code", "name", "level", "county", "designated_from", "designated_to"]
# Where the county pays the hospital's approved claims; optional columns.
HOSPITAL_PAYMENT_COLUMNS = ["bank", "account"]
RECIPIENT_HEADER = ["id_number", "name", "category", "region", "valid_from", "valid_to"]
# Rows matched and written per round of an import.
UPSERT_CHUNK = 5000
KEY_RECIPIENT_CATEGORIES = [code for code, group in CATEGORY_GROUP.items() if group == CategoryGroup.KEY_RECIPIENT]
# Every roll kind a file may list without a policy declaring it: the key recipients and the registered poor.
ROLL_KINDS = [*KEY_RECIPIENT_CATEGORIES, POVERTY_REGISTERED]


class ImportRefused(Exception):
    """A file that cannot be imported: names the row and the field; nothing was written."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _rows(table: Table, header: list[str], optional: list[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """The rows under `header`, which may be followed by all of the `optional` columns; row numbers
    as a spreadsheet shows them (the header is row 1, blank rows counted)."""
    found = table.header
    if found != header and (not optional or found != [*header, *optional]):
        raise ImportRefused(_("Row 1 (header): the header must be %(header)s.") % {"header": ",".join(header)})
    rows = table.records()
    if not rows:
        raise ImportRefused(_("The file has no rows."))
    return rows


def _date(row: dict, field: str, number: int, *, required: bool = True) -> datetime.date | None:
    value = date_text(row.get(field, ""))
    if not value and not required:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ImportRefused(
            _("Row %(row)d, %(field)s: %(value)r is not a date YYYY-MM-DD.")
            % {"row": number, "field": field, "value": value}
        ) from None


def _refuse(number: int, field: str, message: str) -> ImportRefused:
    return ImportRefused(_("Row %(row)d, %(field)s: %(message)s") % {"row": number, "field": field, "message": message})


def _upsert(model, rows: dict, lookup, *, make, action: str, source: str) -> ImportResult:
    """Create the rows not there yet, update those that differ, and record the import; inside the
    caller's transaction. `lookup(keys)` gives the rows already there of some keys, locked; the
    rows are matched and written a chunk at a time, so a roll of half a million stays in bounds."""
    created = changed = 0
    names = list(next(iter(rows.values())))
    keys = list(rows)
    for first in range(0, len(keys), UPSERT_CHUNK):
        chunk = keys[first : first + UPSERT_CHUNK]
        existing = lookup(chunk)
        new, updated = [], []
        for key in chunk:
            fields, row = rows[key], existing.get(key)
            if row is None:
                new.append(make(key, fields))
            elif any(getattr(row, name) != value for name, value in fields.items()):
                updated.append(model(pk=row.pk, **fields))  # only `names` are written
        model.objects.bulk_create(new)
        if updated:
            model.objects.bulk_update(updated, names)
        created, changed = created + len(new), changed + len(updated)
    audit_record(
        actor=None,
        actor_name=source,
        action=action,
        details={"rows": len(rows), "created": created, "updated": changed},
    )
    return ImportResult(created=created, updated=changed)


def hospitals_import(
    *, text: str | None = None, table: Table | None = None, source: str = "import_hospitals"
) -> ImportResult:
    """Load the register of designated hospitals (CSV text or a Table read from CSV or XLSX);
    idempotent on `code`."""
    rows = _rows(table_of(text=text, table=table), HOSPITAL_HEADER, HOSPITAL_PAYMENT_COLUMNS)
    counties = {region.code: region for region in Region.objects.filter(level=Level.COUNTY)}
    parsed: dict[str, dict] = {}
    for number, row in rows:
        code, name = row["code"], row["name"]
        if not code or len(code) > 30:
            raise _refuse(number, "code", _("a code of 1-30 characters is required."))
        if code in parsed:
            raise _refuse(number, "code", _("%(code)s appears twice in the file.") % {"code": code})
        if not name or len(name) > 200:
            raise _refuse(number, "name", _("a name of 1-200 characters is required."))
        if row["level"] not in ("1", "2", "3"):
            raise _refuse(number, "level", _("the level is 1, 2 or 3."))
        if row["county"] not in counties:
            raise _refuse(number, "county", _("%(code)r is not a county code that exists.") % {"code": row["county"]})
        start = _date(row, "designated_from", number)
        end = _date(row, "designated_to", number, required=False)
        if end is not None and end < start:
            raise _refuse(number, "designated_to", _("it is before designated_from."))
        bank, account = row.get("bank", ""), row.get("account", "")
        if account and not ACCOUNT.match(account):
            raise _refuse(number, "account", _("an account number has 10-30 digits."))
        if len(bank) > 100:
            raise _refuse(number, "bank", _("a bank name has at most 100 characters."))
        parsed[code] = {
            "name": name,
            "level": int(row["level"]),
            "county": counties[row["county"]],
            "designated_from": start,
            "designated_to": end,
            "bank": bank,
            "account": account,
        }
    with transaction.atomic():
        return _upsert(
            Hospital,
            parsed,
            lambda codes: {
                hospital.code: hospital for hospital in Hospital.objects.select_for_update().filter(code__in=codes)
            },
            make=lambda code, fields: Hospital(code=code, **fields),
            action=AuditAction.HOSPITALS_IMPORTED,
            source=source,
        )


def _declared_categories() -> set[str]:
    """Categories a roll may list: the roll kinds and any a loaded policy declares."""
    declared = set(ROLL_KINDS)
    for version in PolicyVersion.objects.all():
        declared.update(extra["code"] for extra in version.extra_categories)
    return declared


def _periods(keys: list[tuple]) -> dict[tuple, RollPeriod]:
    """The periods already there of these people, locked, by (id_number, category, valid_from):
    rows with the fields an import compares, not model instances."""
    periods = RollPeriod.objects.select_for_update().filter(id_number__in={key[0] for key in keys})
    fields = ("pk", "id_number", "category", "valid_from", "name", "region", "valid_to")
    return {(row.id_number, row.category, row.valid_from): row for row in periods.values_list(*fields, named=True)}


def recipients_import(
    *, text: str | None = None, table: Table | None = None, source: str = "import_recipients"
) -> ImportResult:
    """Load roll periods (CSV text or a Table read from CSV or XLSX); idempotent on (id_number,
    category, valid_from), so a later file closes a period by giving its valid_to."""
    rows = _rows(table_of(text=text, table=table), RECIPIENT_HEADER)
    categories = _declared_categories()
    regions = set(
        Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]).values_list("code", flat=True)
    )
    parsed: dict[tuple, dict] = {}
    today = timezone.localdate()
    for number, row in rows:
        try:
            id_number = parse_resident_id(row["id_number"], today=today).number
        except ValidationError as error:
            raise _refuse(number, "id_number", " ".join(error.messages)) from None
        name = row["name"]
        if not name or len(name) > 50:
            raise _refuse(number, "name", _("a name of 1-50 characters is required."))
        if row["category"] not in categories:
            raise _refuse(
                number,
                "category",
                _("%(category)r is not a key-recipient category or one a loaded policy declares (%(known)s).")
                % {"category": row["category"], "known": ", ".join(sorted(categories))},
            )
        try:
            region = normalise_code(row["region"])
        except ValidationError:
            region = row["region"]
        if region not in regions:
            raise _refuse(
                number,
                "region",
                _("%(code)r is not a village, township or county that exists.") % {"code": row["region"]},
            )
        start = _date(row, "valid_from", number)
        end = _date(row, "valid_to", number, required=False)
        if end is not None and end < start:
            raise _refuse(number, "valid_to", _("it is before valid_from."))
        key = (id_number, row["category"], start)
        if key in parsed:
            raise _refuse(number, "valid_from", _("the same period appears twice in the file."))
        parsed[key] = {"name": name, "region": region, "valid_to": end}
    with transaction.atomic():
        return _upsert(
            RollPeriod,
            parsed,
            _periods,
            make=lambda key, fields: RollPeriod(id_number=key[0], category=key[1], valid_from=key[2], **fields),
            action=AuditAction.RECIPIENTS_IMPORTED,
            source=source,
        )
