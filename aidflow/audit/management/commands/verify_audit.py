"""manage.py verify_audit [--full] - check the audit hash chain from the last checkpoint (or, with
--full, from the first event): `ok N events`, or exit 1 with the first broken seq."""

import sys

from django.core.management.base import BaseCommand

from aidflow.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full", action="store_true", help="check every event, not only those after the last checkpoint"
        )

    def handle(self, *args, **options):
        report = audit_verify(full=options["full"])
        if report.ok:
            self.stdout.write(f"ok {report.count} events")
            return
        # The first line is the sequence number alone, for scripts; the reason follows for people.
        self.stdout.write(str(report.broken_seq))
        self.stderr.write(f"broken at seq {report.broken_seq}: {report.reason}")
        sys.exit(1)
