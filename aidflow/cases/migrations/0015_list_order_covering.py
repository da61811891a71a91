"""The lists' order index covers what a list filters on (PostgreSQL only; nothing on SQLite).

A deep page reads its application ids first (aidflow.core.paging): with the scope's village code
and the filtered columns in the order index, that read is an index-only scan, and the status,
stage and payment filters are answered from the index while it walks the list order.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
DROP INDEX IF EXISTS cases_app_list_order;
CREATE INDEX cases_app_list_order ON cases_application (stage_due_date ASC NULLS LAST, filed_at DESC, id DESC)
    INCLUDE (village_id, stage, status, payment_status);
"""

DROP = """
DROP INDEX IF EXISTS cases_app_list_order;
CREATE INDEX cases_app_list_order ON cases_application (stage_due_date ASC NULLS LAST, filed_at DESC, id DESC);
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0014_clock_township_rollup_flag")]

    operations = [postgresql_only(CREATE, DROP)]
