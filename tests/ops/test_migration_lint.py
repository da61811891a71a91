"""The migration linter of .ci/run refuses what blocks writes to a big table, and lets the safe way
through: run on a fixture app whose migrations touch the stage clocks' table."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from aidflow.ops.migration_lint import BigTableAnalyser, statements

ROOT = Path(__file__).resolve().parents[2]


def lint(*arguments: str) -> subprocess.CompletedProcess:
    """`manage.py lint_migrations` with the fixture app installed, against this test database."""
    settings = connection.settings_dict
    url = (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.ops.lint_fixture.settings", "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", "lint_migrations", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_linter_refuses_a_plain_index_on_the_clocks_and_passes_the_concurrent_one():
    blocking = lint("lint_fixture", "0002_blocking_index")
    assert blocking.returncode == 1, blocking.stdout + blocking.stderr
    assert "(lint_fixture, 0002_blocking_index)... ERR" in blocking.stdout
    assert "a plain CREATE INDEX blocks writes to a big table" in blocking.stdout

    safe = lint("lint_fixture", "0003_concurrent_index")
    assert safe.returncode == 0, safe.stdout + safe.stderr
    assert "(lint_fixture, 0003_concurrent_index)... OK" in safe.stdout

    backfill = lint("lint_fixture", "0004_backfill_in_schema_change")
    assert backfill.returncode == 1, backfill.stdout + backfill.stderr
    assert "a backfill inside the schema change" in backfill.stdout


def analysed(sql: list[str]) -> list[str]:
    analyser = BigTableAnalyser(exclude_migration_tests=["NOT_NULL"])
    analyser.analyse(sql)
    return [issue.code for issue in analyser.errors]


def test_a_plain_index_is_refused_on_a_big_table_only():
    assert "BIG_TABLE_INDEX" in analysed(['CREATE INDEX "x" ON "cases_application" ("filed_at");'])
    # Spread over lines, as the project's hand-written SQL has it.
    assert "BIG_TABLE_INDEX" in analysed(["CREATE INDEX IF NOT EXISTS x", "    ON audit_auditevent (seq);"])
    assert analysed(['CREATE INDEX CONCURRENTLY "x" ON "cases_application" ("filed_at");']) == []
    assert analysed(['CREATE INDEX "x" ON "regions_region" ("name");']) == []
    # A table created in the same migration has no rows to block.
    created = ['CREATE TABLE "cases_stageclock" ("id" bigint);', 'CREATE INDEX "x" ON "cases_stageclock" ("id");']
    assert analysed(created) == []


def test_constraints_types_and_not_null_on_a_big_table_are_refused():
    unique = 'ALTER TABLE "cases_stayclaim" ADD CONSTRAINT "u" UNIQUE ("reference");'
    assert "BIG_TABLE_CONSTRAINT" in analysed([unique])
    check = 'ALTER TABLE "cases_application" ADD CONSTRAINT "c" CHECK ("amount" >= 0) NOT VALID;'
    assert "BIG_TABLE_CONSTRAINT" not in analysed([check])
    assert "BIG_TABLE_ALTER_TYPE" in analysed(['ALTER TABLE "viewflow_task" ALTER COLUMN "status" TYPE varchar(80);'])
    not_null = 'ALTER TABLE "cases_stageclock" ALTER COLUMN "due_date" SET NOT NULL;'
    assert "BIG_TABLE_SET_NOT_NULL" in analysed([not_null])
    assert "BIG_TABLE_BACKFILL" in analysed(["UPDATE cases_aidledgerrow SET aid = 0;"])


def test_statements_are_whole_and_on_one_line():
    assert statements(["-- a comment", "CREATE INDEX x", "  ON t (a);", "SELECT 1;"]) == [
        "CREATE INDEX x ON t (a)",
        "SELECT 1",
    ]
