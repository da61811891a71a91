"""The restore drill: seed a database through the services (seed_demo), back it up with
scripts/backup.sh, restore it with scripts/restore.sh into a fresh database and media root, and find
everything as it was - the audit chain, every notice's and document's SHA-256, the signed-off
months - and a tampered backup, a non-empty target or a missing "yes" refused with nothing touched."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
# The drill does not depend on the day; it runs once per database, not again on the moved clocks.
pytestmark = pytest.mark.skipif(bool(os.environ.get("AIDFLOW_TEST_TODAY")), reason="runs on today's clock only")


def run(command: list[str], env: dict, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, input=stdin, capture_output=True, text=True, timeout=900)


def environment(database_url: str, media: Path) -> dict:
    return {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(media), "DEBUG": "False"}


def manage(env: dict, *arguments: str) -> subprocess.CompletedProcess:
    done = run([str(ROOT / ".venv/bin/python"), "manage.py", *arguments], env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def tree(folder: Path) -> dict[str, str]:
    """Every file under a folder with its SHA-256."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def drill(tmp_path: Path, source: str, target: str, spare: str, rows) -> None:
    """The whole drill between three databases: `source` seeded, `target` and `spare` empty."""
    media, restored_media, spare_media = tmp_path / "media", tmp_path / "restored", tmp_path / "spare"
    seeded = environment(source, media)
    manage(seeded, "migrate", "-v0")
    manage(seeded, "seed_demo")
    backup = tmp_path / "backup"
    made = run(["bash", "scripts/backup.sh", str(backup)], seeded)
    assert made.returncode == 0, made.stdout + made.stderr
    listed = sorted(line.split()[1] for line in (backup / "MANIFEST.sha256").read_text().splitlines())
    assert listed[1:] == ["media.sha256", "media.tar", "state.json"] and listed[0].startswith("database.")
    assert len(tree(media)) == len((backup / "media.sha256").read_text().splitlines()) > 10

    restored = run(["bash", "scripts/restore.sh", str(backup)], environment(target, restored_media), stdin="yes\n")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "every check passed" in restored.stdout
    assert "ok " in restored.stdout and " events" in restored.stdout  # verify_audit --full
    # Independently of the scripts' own checks: the media byte for byte, the sealed facts row for row.
    assert tree(restored_media) == tree(media)
    for query in (
        "SELECT number, sha256 FROM notices_notice ORDER BY number",
        "SELECT id, sha256 FROM cases_document ORDER BY id",
        "SELECT region, month, sha256, figures FROM reports_monthlyreport ORDER BY region, month",
        "SELECT seq, hash FROM audit_auditevent ORDER BY seq",
    ):
        before, after = rows(source, query), rows(target, query)
        assert before and after[: len(before)] == before, query
    assert rows(source, "SELECT count(*) FROM reports_monthlyreport")[0][0] >= 1

    # Restoring again into the now-filled target is refused, and so is a restore nobody confirmed.
    again = run(["bash", "scripts/restore.sh", str(backup)], environment(target, tmp_path / "again"), stdin="yes\n")
    assert again.returncode == 1 and "empty database" in again.stderr
    unconfirmed = run(["bash", "scripts/restore.sh", str(backup)], environment(spare, spare_media), stdin="no\n")
    assert unconfirmed.returncode == 1 and "not confirmed" in unconfirmed.stderr

    # One byte changed in the media archive: refused before anything is touched.
    tampered = tmp_path / "tampered"
    shutil.copytree(backup, tampered)
    archive = bytearray((tampered / "media.tar").read_bytes())
    archive[len(archive) // 2] ^= 0xFF
    (tampered / "media.tar").write_bytes(bytes(archive))
    refused = run(["bash", "scripts/restore.sh", str(tampered)], environment(spare, spare_media), stdin="yes\n")
    assert refused.returncode == 1
    assert "does not match its manifest" in refused.stderr and "nothing was changed" in refused.stderr
    assert not spare_media.exists() or not any(spare_media.iterdir())
    assert rows(spare, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") in (
        [(0,)],
        None,
    )


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_restore_drill_on_postgresql(tmp_path):
    settings = connection.settings_dict
    server = dict(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432, user=settings["USER"])
    if settings["PASSWORD"]:
        server["password"] = settings["PASSWORD"]
    base = f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{server['host']}:{server['port']}"
    names = [f"aidflow_drill_{uuid.uuid4().hex[:8]}_{part}" for part in ("source", "target", "spare")]

    def admin(statement: str) -> None:
        link = psycopg2.connect(dbname="postgres", **server)
        link.autocommit = True
        try:
            with link.cursor() as cursor:
                cursor.execute(statement)
        finally:
            link.close()

    def rows(url: str, query: str):
        link = psycopg2.connect(dbname=url.rsplit("/", 1)[1], **server)
        try:
            with link.cursor() as cursor:
                cursor.execute(query)
                return [tuple(row) for row in cursor.fetchall()]
        finally:
            link.close()

    for name in names:
        admin(f'CREATE DATABASE "{name}"')
    try:
        drill(tmp_path, *(f"{base}/{name}" for name in names), rows)
    finally:
        for name in names:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.django_db
def test_the_restore_drill_on_sqlite(tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("the suite on PostgreSQL drills PostgreSQL")

    def rows(url: str, query: str):
        path = url.removeprefix("sqlite:///")
        if not Path(path).exists():
            return None
        link = sqlite3.connect(path)
        try:
            query = query.replace(
                "information_schema.tables WHERE table_schema = 'public'", "sqlite_master WHERE type = 'table'"
            )
            return [tuple(row) for row in link.execute(query).fetchall()]
        finally:
            link.close()

    drill(tmp_path, *(f"sqlite:///{tmp_path / name}.sqlite3" for name in ("source", "target", "spare")), rows)
