"""Indexes for a province's caseload on PostgreSQL (docs/PERFORMANCE.md); nothing on SQLite.

- the read scope is a prefix of the village code: `LIKE '3714%'` can use a btree only with
  varchar_pattern_ops under a non-C collation (C.UTF-8 here), so scope and inbox get one;
- the lists' order (most urgent first, newest among equals) gets an index of its own, so a page
  is read in order instead of sorting every row in scope;
- the search box (`q`) matches inside names and numbers: trigram indexes on what icontains
  compares, UPPER(column).
"""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS cases_app_village_prefix ON cases_application (village_id varchar_pattern_ops, stage);
CREATE INDEX IF NOT EXISTS cases_app_list_order
    ON cases_application (stage_due_date ASC NULLS LAST, filed_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS cases_app_name_trgm ON cases_application USING gin (UPPER(applicant_name::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS cases_app_number_trgm ON cases_application USING gin (UPPER(number::text) gin_trgm_ops);
CREATE INDEX IF NOT EXISTS cases_clock_region_prefix ON cases_stageclock (region varchar_pattern_ops);
"""

DROP = """
DROP INDEX IF EXISTS cases_clock_region_prefix;
DROP INDEX IF EXISTS cases_app_number_trgm;
DROP INDEX IF EXISTS cases_app_name_trgm;
DROP INDEX IF EXISTS cases_app_list_order;
DROP INDEX IF EXISTS cases_app_village_prefix;
"""


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_aid_ledger_rows")]

    operations = [postgresql_only(CREATE, DROP)]
