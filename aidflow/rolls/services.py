"""Importing the hospital register and the rolls in one go (the management commands, the demo):
every row checked, all rows or none, idempotent. A file with errors is refused naming its first bad
row and field (INTERFACES section 2); the screens' imports with a preview (aidflow.imports) read and
write the rows through the same functions (aidflow.rolls.importing, aidflow.rolls.applying)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from aidflow.core.tables import Table, table_of
from aidflow.policy.models import CATEGORY_GROUP, POVERTY_REGISTERED, CategoryGroup
from aidflow.rolls.applying import hospitals_apply, recipients_apply
from aidflow.rolls.importing import (
    HOSPITAL_HEADER,
    HOSPITAL_PAYMENT_COLUMNS,
    RECIPIENT_HEADER,
    ImportRefused,
    hospitals_classify,
    hospitals_read,
    recipients_classify,
    recipients_read,
)

__all__ = [
    "HOSPITAL_HEADER",
    "HOSPITAL_PAYMENT_COLUMNS",
    "RECIPIENT_HEADER",
    "ROLL_KINDS",
    "ImportRefused",
    "ImportResult",
    "hospitals_import",
    "recipients_import",
]

KEY_RECIPIENT_CATEGORIES = [code for code, group in CATEGORY_GROUP.items() if group == CategoryGroup.KEY_RECIPIENT]
# Every roll kind a file may list without a policy declaring it: the key recipients and the registered poor.
ROLL_KINDS = [*KEY_RECIPIENT_CATEGORIES, POVERTY_REGISTERED]


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    held: int = 0


def _refuse_errors(errors: list) -> None:
    if errors:
        raise ImportRefused(errors[0].text())


def hospitals_import(
    *, text: str | None = None, table: Table | None = None, source: str = "import_hospitals", sha256: str = ""
) -> ImportResult:
    """Load the register of designated hospitals (CSV text or a Table read from CSV or XLSX);
    idempotent on `code`."""
    parsed, errors = hospitals_read(table_of(text=text, table=table))
    _refuse_errors(errors)
    with transaction.atomic():
        written = hospitals_apply(hospitals_classify(parsed, lock=True), source=source, sha256=sha256)
    return ImportResult(created=written["created"], updated=written["updated"])


def recipients_import(
    *, text: str | None = None, table: Table | None = None, source: str = "import_recipients", sha256: str = ""
) -> ImportResult:
    """Load roll periods (CSV text or a Table read from CSV or XLSX); idempotent on (id_number,
    category, valid_from), so a later file closes a period by giving its valid_to. A row on another
    county's roll the same day is held as a conflict (aidflow.rolls.conflicts), not written."""
    parsed, errors = recipients_read(table_of(text=text, table=table))
    _refuse_errors(errors)
    with transaction.atomic():
        outcomes, _left = recipients_classify(parsed, lock=True)
        written = recipients_apply(outcomes, source=source, sha256=sha256)
    return ImportResult(created=written["created"], updated=written["updated"], held=written["held"])
