"""A backfill inside the migration: every clock row locked until the migration commits."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("lint_fixture", "0003_concurrent_index")]

    operations = [
        migrations.RunSQL(
            "UPDATE cases_stageclock SET region = substr(region, 1, 9) WHERE region <> ''", migrations.RunSQL.noop
        )
    ]
