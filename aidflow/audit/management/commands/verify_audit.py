"""manage.py verify_audit [--full] [--head FILE ...] - check the audit hash chain from the last
checkpoint (or, with --full, from the first event, and every checkpoint's signature), and each
archived head file given: `ok N events`, or exit 1 with the first broken seq."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from aidflow.audit.heads import head_file_check
from aidflow.audit.services import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain, its signed checkpoints and archived head files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="check every event and every checkpoint's signature, not only events after the last checkpoint",
        )
        parser.add_argument(
            "--head", nargs="+", default=[], metavar="FILE", help="archived head files (write_audit_head) to check"
        )

    def handle(self, *args, **options):
        report = audit_verify(full=options["full"])
        if not report.ok:
            # The first line is the sequence number alone, for scripts; the reason follows for people.
            self.stdout.write(str(report.broken_seq))
            self.stderr.write(f"broken at seq {report.broken_seq}: {report.reason}")
            sys.exit(1)
        failures = [reason for reason in map(head_file_check, map(Path, options["head"])) if reason]
        if failures:
            for reason in failures:
                self.stderr.write(f"head file fails: {reason}")
            sys.exit(1)
        self.stdout.write(f"ok {report.count} events")
