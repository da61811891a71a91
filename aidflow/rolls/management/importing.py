"""The shape both register imports share: read a UTF-8 CSV, import all rows or none, say what changed."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from aidflow.rolls.services import ImportRefused


class ImportCommand(BaseCommand):
    importer = None  # a service taking text= and returning an ImportResult

    def add_arguments(self, parser):
        parser.add_argument("file")

    def summary(self, result) -> str:
        raise NotImplementedError

    def handle(self, *args, file, **options):
        try:
            text = Path(file).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {file}: {error}") from None
        try:
            result = type(self).importer(text=text)
        except ImportRefused as error:
            raise CommandError(f"Nothing was imported. {error}") from None
        self.stdout.write(self.summary(result))
