"""Rolls and the hospital register read row by row (INTERFACES section 14): every row gets an
outcome - added, unchanged, updated, closed, moved, conflicts - or an error naming its column, and
nothing stops at the first bad row. The outcomes are computed against the database without writing
(the preview) and again, under locks, when the import is confirmed (`recipients_apply`).

Rows and outcomes are plain JSON (dates as YYYY-MM-DD), so a preview can be stored and confirmed
later. Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from aidflow.core.identity import parse_resident_id
from aidflow.core.payment import ACCOUNT
from aidflow.core.tables import Table, date_text
from aidflow.policy.models import CATEGORY_GROUP, POVERTY_REGISTERED, CategoryGroup, PolicyVersion
from aidflow.regions.codes import normalise_code
from aidflow.regions.models import Level, Region
from aidflow.rolls.models import Hospital, RollPeriod

HOSPITAL_HEADER = ["code", "name", "level", "county", "designated_from", "designated_to"]
# Where the county pays the hospital's approved claims; optional columns.
HOSPITAL_PAYMENT_COLUMNS = ["bank", "account"]
RECIPIENT_HEADER = ["id_number", "name", "category", "region", "valid_from", "valid_to"]
# Persons read from the database per round.
CHUNK = 5000

ADDED, UNCHANGED, UPDATED, CLOSED, MOVED, CONFLICTS, ERRORS = (
    "added",
    "unchanged",
    "updated",
    "closed",
    "moved",
    "conflicts",
    "errors",
)
OUTCOMES = (ADDED, UNCHANGED, UPDATED, CLOSED, MOVED, CONFLICTS, ERRORS)
OUTCOME_NAMES = {
    ADDED: gettext_lazy("Added"),
    UNCHANGED: gettext_lazy("Unchanged"),
    UPDATED: gettext_lazy("Details changed"),
    CLOSED: gettext_lazy("Period closed"),
    MOVED: gettext_lazy("Moved between counties"),
    CONFLICTS: gettext_lazy("On another county's roll the same day"),
    ERRORS: gettext_lazy("Error"),
}


class ImportRefused(Exception):
    """A file that cannot be imported: names the row and the field; nothing was written."""


@dataclass(frozen=True)
class RowError:
    row: int | None
    column: str
    message: str

    def text(self) -> str:
        if self.row is None:
            return f"{self.column}: {self.message}" if self.column else self.message
        return _("Row %(row)d, %(field)s: %(message)s") % {
            "row": self.row,
            "field": self.column,
            "message": self.message,
        }

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RowOutcome:
    """One row's fate: its key, its values as read, and for a change of county the other county."""

    row: int
    outcome: str
    key: list
    fields: dict
    other: str = ""
    pk: int | None = None  # the record it changes
    before: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "outcome": self.outcome,
            "key": self.key,
            "fields": self.fields,
            "other": self.other,
            "pk": self.pk,
            "before": self.before,
        }


def _rows(table: Table, header: list[str], optional: list[str] = ()) -> list[tuple[int, dict[str, str]]]:
    """The rows under `header`, which may be followed by all of the `optional` columns."""
    found = table.header
    if found != header and (not optional or found != [*header, *optional]):
        raise ImportRefused(_("Row 1 (header): the header must be %(header)s.") % {"header": ",".join(header)})
    rows = table.records()
    if not rows:
        raise ImportRefused(_("The file has no rows."))
    return rows


def _date(value: str, field_name: str, number: int, errors: list, *, required: bool = True) -> str | None:
    value = date_text(value or "")
    if not value and not required:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return datetime.date.fromisoformat(value).isoformat()
    except ValueError:
        errors.append(RowError(number, field_name, _("%(value)r is not a date YYYY-MM-DD.") % {"value": value}))
        return ""


def _day(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def declared_categories() -> set[str]:
    """Categories a roll may list: the roll kinds and any a loaded policy declares."""
    declared = {code for code, group in CATEGORY_GROUP.items() if group == CategoryGroup.KEY_RECIPIENT}
    declared.add(POVERTY_REGISTERED)
    for version in PolicyVersion.objects.all():
        declared.update(extra["code"] for extra in version.extra_categories)
    return declared


def recipients_read(table: Table, *, county: str | None = None) -> tuple[dict, list[RowError]]:
    """The rows of a roll file, checked: {(id_number, category, valid_from): {"row", "name",
    "region", "valid_to"}} and every row's errors. `county` limits the regions to one county."""
    rows = _rows(table, RECIPIENT_HEADER)
    categories = declared_categories()
    regions = set(
        Region.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]).values_list("code", flat=True)
    )
    parsed, errors = {}, []
    today = timezone.localdate()
    for number, row in rows:
        found = []
        try:
            id_number = parse_resident_id(row["id_number"], today=today).number
        except ValidationError as error:
            id_number = None
            found.append(RowError(number, "id_number", " ".join(error.messages)))
        name = row["name"]
        if not name or len(name) > 50:
            found.append(RowError(number, "name", _("a name of 1-50 characters is required.")))
        if row["category"] not in categories:
            message = _("%(category)r is not a key-recipient category or one a loaded policy declares (%(known)s).")
            found.append(
                RowError(
                    number, "category", message % {"category": row["category"], "known": ", ".join(sorted(categories))}
                )
            )
        try:
            region = normalise_code(row["region"])
        except ValidationError:
            region = row["region"]
        if region not in regions:
            message = _("%(code)r is not a village, township or county that exists.") % {"code": row["region"]}
            found.append(RowError(number, "region", message))
        elif county and not region.startswith(county):
            message = _("%(code)r is not in your county %(county)s.") % {"code": row["region"], "county": county}
            found.append(RowError(number, "region", message))
        start = _date(row["valid_from"], "valid_from", number, found)
        end = _date(row["valid_to"], "valid_to", number, found, required=False)
        if start and end and end < start:
            found.append(RowError(number, "valid_to", _("it is before valid_from.")))
        key = (id_number, row["category"], start)
        if not found and key in parsed:
            found.append(RowError(number, "valid_from", _("the same period appears twice in the file.")))
        if found:
            errors.extend(found)
            continue
        parsed[key] = {"row": number, "name": name, "region": region, "valid_to": end}
    return parsed, errors


@dataclass
class _Period:
    pk: int | None
    category: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    region: str
    name: str = ""

    @property
    def county(self) -> str:
        return self.region[:6]

    def overlaps(self, start: datetime.date, end: datetime.date | None) -> bool:
        return (self.valid_to is None or self.valid_to >= start) and (end is None or self.valid_from <= end)

    def open_on(self, day: datetime.date) -> bool:
        return self.valid_to is None or self.valid_to >= day


def _existing(persons: list[str], *, lock: bool) -> dict[str, list[_Period]]:
    periods = RollPeriod.objects.filter(id_number__in=persons)
    if lock:
        periods = periods.select_for_update()
    found = defaultdict(list)
    fields = ("pk", "id_number", "category", "valid_from", "valid_to", "region", "name")
    for pk, person, category, start, end, region, name in periods.values_list(*fields):
        found[person].append(_Period(pk, category, start, end, region, name))
    return found


def _classify_person(rows: list, periods: list[_Period], scope: str | None) -> list[RowOutcome]:
    """The outcomes of one person's rows: `periods` are their periods in the database, changed in
    memory as each row of the file is taken, so later rows see earlier ones."""
    by_key = {(period.category, period.valid_from): period for period in periods}
    outcomes = []
    for (person, category, start_text), values in rows:
        start, end, region = _day(start_text), _day(values["valid_to"]), values["region"]
        county = region[:6]
        fields = {"name": values["name"], "region": region, "valid_to": values["valid_to"]}
        key = [person, category, start_text]
        period = by_key.get((category, start))
        others = [item for item in periods if item is not period and item.county != county]
        clash = next((item for item in others if item.overlaps(start, end)), None)
        in_scope = scope is None  # an import of every county: a change of county is a move
        if period is None:
            if clash is not None:
                outcomes.append(RowOutcome(values["row"], CONFLICTS, key, fields, other=clash.county))
                continue
            moved_from = next((item.county for item in others), "") if in_scope else ""
            outcomes.append(RowOutcome(values["row"], MOVED if moved_from else ADDED, key, fields, other=moved_from))
            new = _Period(None, category, start, end, region, values["name"])
            periods.append(new)
            by_key[(category, start)] = new
            continue
        before = {"name": period.name, "region": period.region, "valid_to": iso_or_none(period.valid_to)}
        if before == fields:
            outcomes.append(RowOutcome(values["row"], UNCHANGED, key, fields, pk=period.pk))
            continue
        if period.county != county or clash is not None:
            other = period.county if period.county != county else clash.county
            kind = MOVED if in_scope and clash is None else CONFLICTS
            outcomes.append(RowOutcome(values["row"], kind, key, fields, other=other, pk=period.pk, before=before))
            if kind == CONFLICTS:
                continue
        elif end is not None and end != period.valid_to:
            outcomes.append(RowOutcome(values["row"], CLOSED, key, fields, pk=period.pk, before=before))
        else:
            outcomes.append(RowOutcome(values["row"], UPDATED, key, fields, pk=period.pk, before=before))
        period.name, period.region, period.valid_to = values["name"], region, end
    return outcomes


def iso_or_none(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


def recipients_classify(
    parsed: dict, *, scope: str | None = None, lock: bool = False, progress=None, today: datetime.date | None = None
) -> tuple[list[RowOutcome], list[str]]:
    """Every row's outcome against the rolls as they stand, and the persons the file takes off every
    roll (no period open on `today` or later once it is applied). Nothing is written."""
    today = today or timezone.localdate()
    by_person = defaultdict(list)
    for key, values in parsed.items():
        by_person[key[0]].append((key, values))
    persons = sorted(by_person)
    outcomes, left = [], []
    for first in range(0, len(persons), CHUNK):
        chunk = persons[first : first + CHUNK]
        existing = _existing(chunk, lock=lock)
        for person in chunk:
            periods = existing.get(person, [])
            was_open = any(period.open_on(today) for period in periods)
            rows = sorted(by_person[person], key=lambda item: item[1]["row"])
            found = _classify_person(rows, periods, scope)
            outcomes.extend(found)
            if was_open and not any(period.open_on(today) for period in periods):
                left.append(person)
        if progress is not None:
            progress(sum(len(by_person[person]) for person in chunk))
    outcomes.sort(key=lambda outcome: outcome.row)
    return outcomes, left


def hospitals_read(table: Table) -> tuple[dict, list[RowError]]:
    """The rows of a hospital register, checked: {code: {"row", ...fields}} and every row's errors."""
    rows = _rows(table, HOSPITAL_HEADER, HOSPITAL_PAYMENT_COLUMNS)
    counties = set(Region.objects.filter(level=Level.COUNTY).values_list("code", flat=True))
    parsed, errors = {}, []
    for number, row in rows:
        found = []
        code, name = row["code"], row["name"]
        if not code or len(code) > 30:
            found.append(RowError(number, "code", _("a code of 1-30 characters is required.")))
        elif code in parsed:
            found.append(RowError(number, "code", _("%(code)s appears twice in the file.") % {"code": code}))
        if not name or len(name) > 200:
            found.append(RowError(number, "name", _("a name of 1-200 characters is required.")))
        if row["level"] not in ("1", "2", "3"):
            found.append(RowError(number, "level", _("the level is 1, 2 or 3.")))
        if row["county"] not in counties:
            message = _("%(code)r is not a county code that exists.") % {"code": row["county"]}
            found.append(RowError(number, "county", message))
        start = _date(row["designated_from"], "designated_from", number, found)
        end = _date(row["designated_to"], "designated_to", number, found, required=False)
        if start and end and end < start:
            found.append(RowError(number, "designated_to", _("it is before designated_from.")))
        bank, account = row.get("bank", ""), row.get("account", "")
        if account and not ACCOUNT.match(account):
            found.append(RowError(number, "account", _("an account number has 10-30 digits.")))
        if len(bank) > 100:
            found.append(RowError(number, "bank", _("a bank name has at most 100 characters.")))
        if found:
            errors.extend(found)
            continue
        parsed[code] = {
            "row": number,
            "name": name,
            "level": int(row["level"]),
            "county": row["county"],
            "designated_from": start,
            "designated_to": end,
            "bank": bank,
            "account": account,
        }
    return parsed, errors


HOSPITAL_FIELDS = ("name", "level", "county", "designated_from", "designated_to", "bank", "account")


def hospitals_classify(parsed: dict, *, lock: bool = False) -> list[RowOutcome]:
    hospitals = Hospital.objects.filter(code__in=list(parsed)).select_related("county")
    if lock:
        hospitals = hospitals.select_for_update(of=("self",))
    existing = {hospital.code: hospital for hospital in hospitals}
    outcomes = []
    for code, values in parsed.items():
        fields = {name: values[name] for name in HOSPITAL_FIELDS}
        hospital = existing.get(code)
        if hospital is None:
            outcomes.append(RowOutcome(values["row"], ADDED, [code], fields))
            continue
        before = {
            "name": hospital.name,
            "level": hospital.level,
            "county": hospital.county.code,
            "designated_from": iso_or_none(hospital.designated_from),
            "designated_to": iso_or_none(hospital.designated_to),
            "bank": hospital.bank,
            "account": hospital.account,
        }
        if before == fields:
            kind = UNCHANGED
        elif fields["designated_to"] and fields["designated_to"] != before["designated_to"]:
            kind = CLOSED
        else:
            kind = UPDATED
        outcomes.append(RowOutcome(values["row"], kind, [code], fields, pk=hospital.pk, before=before))
    outcomes.sort(key=lambda outcome: outcome.row)
    return outcomes


def counts_of(outcomes: list[RowOutcome], errors: list[RowError]) -> dict[str, int]:
    counts = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        counts[outcome.outcome] += 1
    counts[ERRORS] = len({error.row for error in errors})
    return counts


def overlapping(person: str, county: str, start: datetime.date, end: datetime.date | None):
    """Another county's periods of a person that overlap [start, end]."""
    periods = RollPeriod.objects.filter(id_number=person).exclude(region__startswith=county)
    periods = periods.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
    if end is not None:
        periods = periods.filter(valid_from__lte=end)
    return periods
