"""manage.py import_regions FILE - create or update regions from CSV or XLSX; a bad row imports nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import InputErrors
from aidflow.core.tables import table_file
from aidflow.regions.services import RegionImportError, regions_import


class Command(BaseCommand):
    help = "Import regions from a CSV or XLSX file with header code,name[,level,source]. All rows or none."

    def add_arguments(self, parser):
        parser.add_argument(
            "file", type=Path, help="CSV (UTF-8, UTF-8 with BOM or GB18030/GBK) or XLSX (the first sheet)"
        )

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
            result = regions_import(table=table)
        except RegionImportError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        self.stdout.write(f"{file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
