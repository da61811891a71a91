"""What makemigrations writes for a new Meta index: a plain CREATE INDEX, which blocks every write to
millions of clocks while it builds."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lint_fixture", "0001_clock_state")]

    operations = [migrations.AddIndex(model_name="clock", index=models.Index(fields=["due_date"], name="fixture_due"))]
