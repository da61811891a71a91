"""County finance's worklist - approved and not paid yet - in list order (PostgreSQL only).

Most approved cases are paid, so walking the whole list order for the unpaid ones passed ~170,000
index entries of a county at a million applications to count a page; a partial index holds only
the unpaid ones.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS cases_app_unpaid_order
    ON cases_application (stage_due_date ASC NULLS LAST, filed_at DESC, id DESC) INCLUDE (village_id)
    WHERE status = 'approved' AND payment_status IN ('unpaid', 'in_batch');
"""

DROP = """
DROP INDEX IF EXISTS cases_app_unpaid_order;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_aid_ledger_month")]

    operations = [postgresql_only(CREATE, DROP)]
