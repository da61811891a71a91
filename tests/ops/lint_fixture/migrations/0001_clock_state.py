"""The stage clocks' table as this app's state only: nothing is created."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Clock",
                    fields=[
                        ("id", models.BigAutoField(primary_key=True, serialize=False)),
                        ("due_date", models.DateField(null=True)),
                        ("region", models.CharField(max_length=12)),
                    ],
                    options={"db_table": "cases_stageclock"},
                )
            ]
        )
    ]
