"""manage.py write_audit_head [--dir DIR] - verify the chain since the last checkpoint and write its
signed head to DIR/audit-head-YYYY-MM-DD.json (default AUDIT_HEAD_DIR), for the operator to archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.audit.heads import ChainBroken, head_write


class Command(BaseCommand):
    help = "Write the audit chain's signed head to a dated file, to be archived away from the database."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="directory to write to (default: AUDIT_HEAD_DIR)")

    def handle(self, *args, dir=None, **options):
        try:
            path = head_write(Path(dir) if dir else None)
        except ChainBroken as error:
            raise CommandError(f"{error}; no head written.") from None
        if path is None:
            self.stdout.write("The audit log is empty; no head written.")
            return
        self.stdout.write(str(path))
