"""The shape both register imports share: read a CSV (UTF-8 or GB18030) or XLSX file, import all
rows or none, say what changed."""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.core.errors import InputErrors
from aidflow.core.tables import table_file
from aidflow.rolls.services import ImportRefused


class ImportCommand(BaseCommand):
    importer = None  # a service taking table= and returning an ImportResult

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8, UTF-8 with BOM or GB18030/GBK) or XLSX (the first sheet)")

    def summary(self, result) -> str:
        raise NotImplementedError

    def handle(self, *args, file, **options):
        try:
            table = table_file(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        except InputErrors as error:
            raise CommandError(f"Cannot read {file}: {error.text()}") from None
        try:
            result = type(self).importer(table=table, sha256=hashlib.sha256(Path(file).read_bytes()).hexdigest())
        except ImportRefused as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(self.summary(result))
