"""manage.py ontime_rollup - fold closed stage clocks into the on-time statistics' monthly rollup; idempotent."""

from django.core.management.base import BaseCommand

from aidflow.reports.rollup import ontime_rollup


class Command(BaseCommand):
    help = "Fold every closed stage clock not yet folded into the on-time rollup (run after migrating, then by beat)."

    def handle(self, *args, **options):
        self.stdout.write(f"{ontime_rollup()} stage clocks folded into the on-time rollup.")
