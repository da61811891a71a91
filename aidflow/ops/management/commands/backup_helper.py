"""manage.py backup_helper ACTION - the steps of scripts/backup.sh and scripts/restore.sh that need
the settings (the database and media root of this environment, .env included):

  target             print ENGINE=, DB_NAME=, ... and MEDIA_ROOT= lines for the scripts
  state              print the backup's state.json (code version, migrations, counts, audit chain)
  check-empty        exit 1 unless the database has no tables
  check-state FILE   exit 1 when the backup holds migrations this code does not know
  compare FILE       exit 1 when the restored database holds less than the backup recorded
  sqlite-copy FROM TO  a consistent copy of a live SQLite database
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError

from aidflow.ops import backups


class Command(BaseCommand):
    help = "Steps of scripts/backup.sh and scripts/restore.sh that read the settings."

    def add_arguments(self, parser):
        parser.add_argument(
            "action", choices=["target", "state", "check-empty", "check-state", "compare", "sqlite-copy"]
        )
        parser.add_argument("paths", nargs="*")

    def handle(self, *args, action, paths, **options):
        if action == "target":
            for key, value in backups.database_target().items():
                self.stdout.write(f"{key}={value}")
        elif action == "state":
            self.stdout.write(json.dumps(backups.backup_state(), ensure_ascii=False, indent=2))
        elif action == "check-empty":
            try:
                tables = backups.database_is_empty()
            except OperationalError as error:
                self.stderr.write(f"cannot reach the database (create it first, empty): {error}".strip())
                sys.exit(1)
            if tables:
                self.stderr.write(f"the database is not empty: {len(tables)} tables, e.g. {', '.join(tables[:3])}")
                sys.exit(1)
        elif action == "sqlite-copy":
            if len(paths) != 2:
                raise CommandError("sqlite-copy FROM TO")
            backups.sqlite_copy(paths[0], paths[1])
        else:
            if len(paths) != 1:
                raise CommandError(f"{action} FILE")
            state = json.loads(Path(paths[0]).read_text(encoding="utf-8"))
            if action == "check-state":
                problems = backups.unknown_migrations(state)
                if problems:
                    self.stderr.write("the backup was made by a newer AidFlow; restore it with that version.")
                    self.stderr.write("Migrations this code does not know:")
            else:
                problems = backups.restored_problems(state)
            for problem in problems:
                self.stderr.write(problem)
            if action == "compare":
                for line in backups.restored_summary(state):
                    self.stdout.write(line)
            if problems:
                sys.exit(1)
