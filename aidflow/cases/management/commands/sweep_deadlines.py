"""manage.py sweep_deadlines - reminders the day before a stage is due, escalations when late; idempotent."""

from django.core.management.base import BaseCommand

from aidflow.cases.services.deadlines import deadlines_sweep


class Command(BaseCommand):
    help = "Send due-soon reminders and overdue escalations (each at most once per stage clock)."

    def handle(self, *args, **options):
        result = deadlines_sweep()
        self.stdout.write(
            f"{result.reminders} reminders, {result.escalations} escalations, {result.notifications} notifications."
        )
