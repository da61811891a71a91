"""An index in the log's order that covers what the auditors' search filters on (PostgreSQL only).

A deep page of the search reads its sequence numbers first (aidflow.core.paging): with the scope's
region, the action, the actor and the time beside the sequence number, that read and the bounded
count are index-only scans instead of visits to millions of event rows.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
CREATE INDEX IF NOT EXISTS audit_event_seq_covering ON audit_auditevent (seq) INCLUDE (region, action, actor_name, at);
"""

DROP = """
DROP INDEX IF EXISTS audit_event_seq_covering;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_pending_reads")]

    operations = [postgresql_only(CREATE, DROP)]
