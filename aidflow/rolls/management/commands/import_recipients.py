"""manage.py import_recipients FILE.csv - the rolls of key recipients, all rows or none."""

from aidflow.rolls.management.importing import ImportCommand
from aidflow.rolls.services import recipients_import


class Command(ImportCommand):
    help = "Import roll periods (id_number,name,category,region,valid_from,valid_to); a later file closes periods."
    importer = recipients_import

    def summary(self, result) -> str:
        held = f", {result.held} held: on another county's roll the same day" if result.held else ""
        return f"recipients: {result.created} periods created, {result.updated} updated{held}"
