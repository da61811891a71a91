"""A surname alone in the search box (aidflow.core.search) on PostgreSQL; nothing on SQLite.

One or two Chinese characters are compared as the first characters of the applicant's name,
`LEFT(applicant_name, n) = q`. Each length gets an index whose first column is that expression and
whose next columns are the lists' order, covering what a list filters on (as `cases_app_list_order`
does): a page of a province's 王 is the first 50 entries under 王, read in order by an index-only scan,
with no sort and no visit to the names in scope. Built concurrently: writes go on meanwhile.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

ORDER = "stage_due_date ASC NULLS LAST, filed_at DESC, id DESC"
# The name itself too: PostgreSQL reads a query through an expression index alone (an index-only
# scan) only when the index also holds every column the expression is made of.
COVERED = "village_id, stage, status, payment_status, applicant_name"


def name_head_index(length: int):
    name = f"cases_app_name{length}_order"
    return postgresql_only(
        f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON cases_application "
        f"((LEFT(applicant_name::text, {length})), {ORDER}) INCLUDE ({COVERED});",
        f"DROP INDEX CONCURRENTLY IF EXISTS {name};",
    )


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0019_notification_payment_kinds")]

    operations = [
        name_head_index(1),
        name_head_index(2),
        # Statistics on the new expressions, so the planner knows how many names a surname begins
        # (until then it guesses 0.5% of the table). ANALYZE does not block writes.
        postgresql_only("ANALYZE cases_application;", "SELECT 1;"),
    ]
