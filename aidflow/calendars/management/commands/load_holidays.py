"""manage.py load_holidays FILE.csv - add or replace a year's holiday schedule (date,kind)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.calendars.services import HolidayFileError, holidays_load


class Command(BaseCommand):
    help = "Load holidays and make-up working days (CSV date,kind; kind holiday or workday) for whole years."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        try:
            years = holidays_load(text=text, source=file.name)
        except HolidayFileError as error:
            raise CommandError(f"{file}: {error} Nothing was loaded.") from None
        self.stdout.write(f"Loaded the holiday schedule for {', '.join(str(year) for year in years)}.")
