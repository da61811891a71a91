"""manage.py purge_audit --before DATE - delete audit events older than DATE; never any younger than 6 months."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from aidflow.audit.services import AuditPurgeRefused, audit_purge


class Command(BaseCommand):
    help = "Delete audit events before a date. Refuses any date less than 6 months ago (MLPS level 3)."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD; events before this day are deleted")

    def handle(self, *args, before, **options):
        try:
            cutoff = datetime.date.fromisoformat(before)
        except ValueError:
            raise CommandError(f"--before: {before!r} is not a date YYYY-MM-DD.") from None
        try:
            count = audit_purge(before=cutoff)
        except AuditPurgeRefused as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Deleted {count} audit events before {cutoff.isoformat()}.")
