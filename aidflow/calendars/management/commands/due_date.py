"""manage.py due_date --received TIMESTAMP --days N --counting natural|working"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from aidflow.calendars.services import due_date


class Command(BaseCommand):
    help = "Print the due date (YYYY-MM-DD) of a period; 'provisional' on a second line if a year is not loaded."

    def add_arguments(self, parser):
        parser.add_argument("--received", required=True, help="ISO timestamp or date; without offset: Asia/Shanghai")
        parser.add_argument("--days", required=True, type=int)
        parser.add_argument("--counting", required=True, choices=["natural", "working"])

    def handle(self, *args, received, days, counting, **options):
        try:
            moment = datetime.datetime.fromisoformat(received.replace("Z", "+00:00"))
        except ValueError:
            raise CommandError(f"--received: {received!r} is not an ISO date or timestamp.") from None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        if days < 1 or days > 365:
            raise CommandError("--days: must be between 1 and 365.")
        result = due_date(received=moment, days=days, counting=counting)
        self.stdout.write(result.date.isoformat())
        if result.provisional:
            self.stdout.write("provisional")
