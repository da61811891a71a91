"""A claim's settlements in the review screen's order (discharge day, then id), so a page of a claim
of tens of thousands is read from an index rather than sorted whole; PostgreSQL only. Built
concurrently: the window goes on settling meanwhile."""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("settlements", "0005_list_indexes")]

    operations = [
        postgresql_only(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS settlements_claim_order "
            "ON settlements_settlement (claim_id, discharge_date, id) WHERE claim_id IS NOT NULL;",
            "DROP INDEX CONCURRENTLY IF EXISTS settlements_claim_order;",
        ),
    ]
