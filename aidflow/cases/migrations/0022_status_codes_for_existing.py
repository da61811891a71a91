"""Give every application filed before status codes existed its own code (receipt and status page).

Batches of 2,000 rows, each its own transaction (`atomic = False`), so no lock on the applications
is held for the whole table."""

import secrets

from django.db import migrations, transaction

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BATCH = 2000


def give_codes(apps, schema_editor):
    Application = apps.get_model("cases", "Application")
    while True:
        with transaction.atomic(using=schema_editor.connection.alias):
            batch = list(Application.objects.filter(status_code="").only("pk").order_by("pk")[:BATCH])
            if not batch:
                return
            for application in batch:
                application.status_code = "".join(secrets.choice(ALPHABET) for _ in range(8))
            Application.objects.bulk_update(batch, ["status_code"])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0021_application_status_code")]

    operations = [migrations.RunPython(give_codes, migrations.RunPython.noop, elidable=True)]
