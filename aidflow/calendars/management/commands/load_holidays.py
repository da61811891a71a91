"""manage.py load_holidays FILE - add or replace a year's holiday schedule (date,kind), CSV or XLSX."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.calendars.services import HolidayFileError, holidays_load
from aidflow.core.errors import InputErrors
from aidflow.core.tables import table_file


class Command(BaseCommand):
    help = "Load holidays and make-up working days (date,kind; kind holiday or workday) for whole years: CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            table = table_file(file)
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        except InputErrors as error:
            raise CommandError(f"{file}: {error.text()}") from None
        try:
            years = holidays_load(table=table, source=file.name)
        except HolidayFileError as error:
            raise CommandError(f"{file}: {error} Nothing was loaded.") from None
        self.stdout.write(f"Loaded the holiday schedule for {', '.join(str(year) for year in years)}.")
