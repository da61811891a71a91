"""PostgreSQL indexes for the auditors' search over millions of events; nothing on SQLite.

The actor filter is icontains (UPPER(actor_name) LIKE '%...%'): a trigram index. The region
filter and the auditor's scope are prefixes of the region code: varchar_pattern_ops, because the
database collation is not C.
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS audit_event_actor_trgm ON audit_auditevent USING gin (UPPER(actor_name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS audit_event_region_prefix ON audit_auditevent (region varchar_pattern_ops, seq);
"""

DROP = """
DROP INDEX IF EXISTS audit_event_region_prefix;
DROP INDEX IF EXISTS audit_event_actor_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_verify_checkpoint")]

    operations = [postgresql_only(CREATE, DROP)]
