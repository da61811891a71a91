"""The migration linter's rules for AidFlow (`manage.py lint_migrations`, run by .ci/run).

django-migration-linter reads the SQL each migration runs (sqlmigrate, on PostgreSQL) and the SQL
of its RunSQL operations. On top of its own backward-compatibility checks (a dropped or renamed
column while old code still runs), AidFlow refuses what blocks writes to a big table for as long as
the table is read: a plain CREATE INDEX (build it with `AddIndexConcurrently` in a migration with
`atomic = False`), a unique or checked constraint validated in place, a column's type changed,
SET NOT NULL, a rewrite, or a backfill (UPDATE) inside the schema change (do it in batches outside
it). On other tables these are warnings: printed, not failing.

Migrations written before these rules and known to block are listed in ACCEPTED with the reason.
"""

from __future__ import annotations

import re

from django_migration_linter import MigrationLinter
from django_migration_linter.sql_analyser import PostgresqlAnalyser
from django_migration_linter.sql_analyser.base import Check, CheckMode, CheckType

# The tables that grow with the caseload: millions of rows in a province.
BIG_TABLES = frozenset(
    {
        "cases_application",
        "cases_hospitalstay",
        "cases_householdmember",
        "cases_stayclaim",
        "cases_stageclock",
        "cases_stagerecord",
        "cases_document",
        "cases_aidledgerrow",
        "cases_notification",
        "viewflow_process",
        "viewflow_task",
        "viewflow_task_previous",
        "audit_auditevent",
        "audit_pendingread",
        "notices_notice",
        "settlements_settlement",
        "payments_paymentline",
        "rolls_rollperiod",
        "guardian_userobjectpermission",
    }
)
PROJECT_APPS = (
    "audit",
    "calendars",
    "cases",
    "imports",
    "notices",
    "notify",
    "payments",
    "policy",
    "regions",
    "reports",
    "rolls",
    "settlements",
    "subsidies",
    "workflows",
)
# Written before the linter ran in CI and applied on every database since: what each did.
ACCEPTED = {
    ("audit", "0004_search_indexes"): "trigram and prefix indexes on the audit log",
    ("audit", "0006_seq_covering"): "a covering index on the audit log's sequence",
    ("cases", "0003_stage_clocks"): "the stage clocks, with an index on the applications",
    ("cases", "0009_stay_claim_reference"): "the stay claims' unique reference",
    ("cases", "0010_payee_and_payment"): "the payment columns and their index",
    ("cases", "0011_ledger"): "the ledger's index on the applications",
    ("cases", "0013_scale_indexes"): "the scale indexes: scope prefix, list order, trigram search",
    ("cases", "0014_clock_township_rollup_flag"): "the clocks' township and rollup flag; it blocked writes to "
    "3.85M clocks for about 2 minutes (issue 31), the reason for these rules",
    ("cases", "0015_list_order_covering"): "the list order's index rebuilt as a covering one",
    ("cases", "0017_unpaid_list_order"): "the unpaid list's partial index",
    ("notices", "0002_review_refusal"): "a longer kind column on the notices",
    ("policy", "0002_demo_insured_basis"): "a unique constraint on the policy versions (a handful of rows)",
}
# Django adds a column with its default and then drops the default: PostgreSQL 11 and later add it
# without rewriting the table, so the linter's NOT NULL check only flags what is safe here.
NOT_CHECKED = ["NOT_NULL"]

_NAME = r'(?:ONLY\s+)?"?(?:public"?\."?)?"?(\w+)"?'


def statements(sql: list[str]) -> list[str]:
    """The SQL as whole statements on one line each: an index's ON may sit on the line below."""
    text = "\n".join(line for line in sql if not line.lstrip().startswith("--"))
    return [" ".join(part.split()) for part in text.split(";") if part.strip()]


def _created(sql: list[str]) -> set[str]:
    return {m.group(1) for s in sql for m in [re.match(r"CREATE TABLE " + _NAME, s, re.IGNORECASE)] if m}


def _big_table_check(pattern: str):
    regex = re.compile(pattern, re.IGNORECASE)

    def check(sql: list[str], **kwargs) -> bool:
        created = _created(sql)
        return any(
            (match := regex.search(statement)) and match.group(1) in BIG_TABLES and match.group(1) not in created
            for statement in sql
        )

    return check


def _big(code: str, pattern: str, message: str) -> Check:
    return Check(
        code=code, fn=_big_table_check(pattern), message=message, mode=CheckMode.TRANSACTION, type=CheckType.ERROR
    )


class BigTableAnalyser(PostgresqlAnalyser):
    """PostgreSQL's analyser, with AidFlow's big tables refused anything that blocks their writes."""

    migration_checks = [
        *PostgresqlAnalyser.migration_checks,
        _big(
            "BIG_TABLE_INDEX",
            r"CREATE (?:UNIQUE )?INDEX (?!CONCURRENTLY)(?:IF NOT EXISTS )?\S+ ON " + _NAME,
            "a plain CREATE INDEX blocks writes to a big table: use AddIndexConcurrently (atomic = False)",
        ),
        _big(
            "BIG_TABLE_CONSTRAINT",
            r"ALTER TABLE " + _NAME + r" ADD CONSTRAINT \S+ (?:UNIQUE|CHECK|FOREIGN KEY|PRIMARY KEY|EXCLUDE)"
            r"(?!.*NOT VALID)",
            "a constraint checked in place blocks writes to a big table: add it NOT VALID, validate apart",
        ),
        _big(
            "BIG_TABLE_ALTER_TYPE",
            r"ALTER TABLE " + _NAME + r" .*ALTER COLUMN \S+ (?:SET DATA )?TYPE",
            "changing a column's type rewrites a big table under an exclusive lock",
        ),
        _big(
            "BIG_TABLE_SET_NOT_NULL",
            r"ALTER TABLE " + _NAME + r" .*ALTER COLUMN \S+ SET NOT NULL",
            "SET NOT NULL reads a whole big table under an exclusive lock: add a CHECK NOT VALID first",
        ),
        _big(
            "BIG_TABLE_REWRITE",
            r"(?:VACUUM FULL|CLUSTER|REINDEX TABLE|LOCK TABLE) " + _NAME,
            "this rewrites or locks a whole big table",
        ),
        _big(
            "BIG_TABLE_BACKFILL",
            r"UPDATE " + _NAME + r" SET",
            "a backfill inside the schema change holds its locks: update in batches outside the migration",
        ),
    ]

    def analyse(self, sql_statements: list[str]) -> None:
        super().analyse(statements(sql_statements))


class AidflowMigrationLinter(MigrationLinter):
    """The maintained linter, with AidFlow's analyser and its accepted migrations."""

    def __init__(self, *args, accepted: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sql_analyser_class = BigTableAnalyser
        self.accepted = ACCEPTED if accepted is None else accepted

    def should_ignore_migration(self, app_label, migration_name, operations=(), is_initial=False):
        reason = self.accepted.get((app_label, migration_name))
        if reason is not None:
            print(f"({app_label}, {migration_name})... ACCEPTED, before the linter: {reason}")
            return True
        return super().should_ignore_migration(app_label, migration_name, operations, is_initial)
