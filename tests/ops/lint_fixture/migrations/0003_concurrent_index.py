"""The same index built the safe way."""

from django.db import migrations, models

from aidflow.core.postgres_sql import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("lint_fixture", "0002_blocking_index")]

    operations = [AddIndexConcurrently(model_name="clock", index=models.Index(fields=["region"], name="fixture_region"))]
