"""The settlement list at a province's size on PostgreSQL; nothing on SQLite.

- the list's order (newest settlement first) gets an index covering what the list filters on (the
  scope's roll region, the hospital, the status, the discharge month), so a page is read in order;
- one or two Chinese characters in the search box are the beginning of the patient's name
  (aidflow.core.search), `LEFT(name, n) = q`: an index per length, in the list's order;
- anything longer matches inside names and numbers: trigram indexes on what icontains compares.
Built concurrently: the window goes on settling meanwhile.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

ORDER = "settled_at DESC, id DESC"
COVERED = "region, hospital_id, status, discharge_date"


def index(name: str, definition: str):
    return postgresql_only(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON settlements_settlement {definition};",
        f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
    )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("settlements", "0004_refusal_code")]

    operations = [
        postgresql_only("CREATE EXTENSION IF NOT EXISTS pg_trgm;", "SELECT 1;"),
        index("settlements_list_order", f"({ORDER}) INCLUDE ({COVERED})"),
        # The name too: an index-only scan through an expression index needs the expression's columns.
        index("settlements_name1_order", f"((LEFT(name::text, 1)), {ORDER}) INCLUDE ({COVERED}, name)"),
        index("settlements_name2_order", f"((LEFT(name::text, 2)), {ORDER}) INCLUDE ({COVERED}, name)"),
        index("settlements_name_trgm", "USING gin (UPPER(name::text) gin_trgm_ops)"),
        index("settlements_number_trgm", "USING gin (UPPER(number::text) gin_trgm_ops)"),
        postgresql_only("ANALYZE settlements_settlement;", "SELECT 1;"),
    ]
