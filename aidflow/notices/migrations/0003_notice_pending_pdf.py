"""A partial index of the notices still waiting for their PDF, built without blocking writes."""

from django.db import migrations, models

from aidflow.core.postgres_sql import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run inside a transaction.
    atomic = False

    dependencies = [("notices", "0002_review_refusal")]

    operations = [
        AddIndexConcurrently(
            model_name="notice",
            index=models.Index(condition=models.Q(sha256=""), fields=["issued_at"], name="notice_pending_pdf"),
        ),
    ]
