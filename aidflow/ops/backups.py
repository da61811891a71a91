"""The Python half of scripts/backup.sh and scripts/restore.sh: where the data lives, what a backup
holds (the code's version, the migrations, counts and the audit chain's last link), and the checks
a restore makes before and after it touches anything."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from aidflow.audit.models import AuditEvent
from aidflow.cases.models import Application, Document
from aidflow.notices.models import Notice
from aidflow.reports.models import MonthlyReport

FORMAT = 1
# What a restored copy must hold at least as many of (the backup's state is read just before its
# dump, so a live system may have added rows in between; nothing here is ever deleted).
COUNTED = {
    "applications": Application,
    "notices": Notice,
    "documents": Document,
    "audit_events": AuditEvent,
    "signed_off_months": MonthlyReport,
}


def database_target() -> dict[str, str]:
    """The database and media root of this environment, as the scripts need them."""
    config = settings.DATABASES[DEFAULT_DB_ALIAS]
    engine = "postgresql" if "postgresql" in config["ENGINE"] else "sqlite"
    target = {"ENGINE": engine, "DB_NAME": str(config["NAME"]), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if engine == "postgresql":
        options = config.get("OPTIONS", {})
        target |= {
            "DB_HOST": str(config.get("HOST") or ""),
            "DB_PORT": str(config.get("PORT") or ""),
            "DB_USER": str(config.get("USER") or ""),
            "DB_PASSWORD": str(config.get("PASSWORD") or ""),
            "DB_SSLMODE": str(options.get("sslmode") or ""),
        }
    return target


def code_version() -> dict[str, str]:
    """The project's version and, in a git checkout, its commit."""
    root = Path(settings.BASE_DIR)
    version = {"version": "unknown", "commit": ""}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        for line in pyproject.read_text(encoding="utf-8").splitlines():
            if line.startswith("version = "):
                version["version"] = line.split("=", 1)[1].strip().strip('"')
                break
    if (root / ".git").exists():
        try:
            done = subprocess.run(  # noqa: S603 - a fixed command, no input from outside
                ["git", "-C", str(root), "rev-parse", "HEAD"],  # noqa: S607 - git from PATH is the point
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            version["commit"] = done.stdout.strip()
        except OSError:
            pass
    return version


def applied_migrations() -> dict[str, list[str]]:
    loader = MigrationLoader(connections[DEFAULT_DB_ALIAS], ignore_no_migrations=True)
    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(loader.applied_migrations):
        applied.setdefault(app_label, []).append(name)
    return applied


def backup_state() -> dict:
    """What scripts/backup.sh records beside the dump (state.json)."""
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    return {
        "format": FORMAT,
        "made_at": timezone.now().isoformat(),
        "code": code_version(),
        "engine": database_target()["ENGINE"],
        "migrations": applied_migrations(),
        "counts": {name: model.objects.count() for name, model in COUNTED.items()},
        "audit_last": last,
    }


def database_is_empty() -> list[str]:
    """The tables of the target database (an empty list when it is empty)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        return connections[DEFAULT_DB_ALIAS].introspection.table_names(cursor)


def unknown_migrations(state: dict) -> list[str]:
    """Migrations the backup's database had that this code does not know: a backup of a newer
    AidFlow, which this code would run against a schema it does not expect."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return [
        f"{app_label}.{name}"
        for app_label, names in state.get("migrations", {}).items()
        for name in names
        if (app_label, name) not in known
    ]


def restored_problems(state: dict) -> list[str]:
    """How the restored database falls short of the backup's recorded state."""
    problems = []
    for name, model in COUNTED.items():
        expected = state.get("counts", {}).get(name, 0)
        found = model.objects.count()
        if found < expected:
            problems.append(f"{name}: {found} restored, the backup recorded {expected}")
    last = state.get("audit_last")
    if last:
        restored = AuditEvent.objects.filter(seq=last["seq"]).values_list("hash", flat=True).first()
        if restored != last["hash"]:
            problems.append(f"audit event #{last['seq']} does not carry the hash the backup recorded")
    return problems


def restored_summary(state: dict) -> list[str]:
    lines = []
    for name, model in COUNTED.items():
        lines.append(f"{name}: {model.objects.count()} (backup recorded {state.get('counts', {}).get(name, 0)})")
    return lines


def sqlite_copy(source: str, destination: str) -> None:
    """A consistent copy of a live SQLite database (the online backup API, as sqlite3's .backup)."""
    origin = sqlite3.connect(source)
    copy = sqlite3.connect(destination)
    try:
        origin.backup(copy)
    finally:
        copy.close()
        origin.close()
