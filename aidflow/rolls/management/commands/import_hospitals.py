"""manage.py import_hospitals FILE.csv - the register of designated hospitals, all rows or none."""

from aidflow.rolls.management.importing import ImportCommand
from aidflow.rolls.services import hospitals_import


class Command(ImportCommand):
    help = "Import designated hospitals (code,name,level,county,designated_from,designated_to); idempotent on code."
    importer = hospitals_import

    def summary(self, result) -> str:
        return f"hospitals: {result.created} created, {result.updated} updated"
