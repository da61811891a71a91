"""manage.py import_regions FILE.csv - create or update regions; a bad row imports nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.regions.services import RegionImportError, regions_import


class Command(BaseCommand):
    help = "Import regions from a CSV file with header code,name[,level,source]. All rows or none."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="CSV file, UTF-8 (a byte-order mark is fine)")

    def handle(self, *args, file: Path, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
        try:
            result = regions_import(text=text)
        except RegionImportError as error:
            raise CommandError(f"{file}: {error} Nothing was imported.") from None
        self.stdout.write(f"{file}: {result.created} created, {result.updated} updated, {result.unchanged} unchanged.")
