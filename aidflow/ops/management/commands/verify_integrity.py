"""manage.py verify_integrity - every notice's PDF and every document against its recorded SHA-256,
every signed-off month against its signed hash: `ok ...`, or exit 1 with each problem."""

import sys

from django.core.management.base import BaseCommand

from aidflow.ops.integrity import integrity_verify


class Command(BaseCommand):
    help = "Check stored notices and documents against their SHA-256 and signed-off months against their hash."

    def handle(self, *args, **options):
        report = integrity_verify()
        counts = f"{report.notices} notices, {report.documents} documents, {report.months} signed-off months"
        if report.ok:
            self.stdout.write(f"ok {counts}")
            return
        for problem in report.problems:
            self.stderr.write(problem)
        self.stderr.write(f"{len(report.problems)} problems in {counts}")
        sys.exit(1)
