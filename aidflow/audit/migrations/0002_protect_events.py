"""On PostgreSQL, the events table refuses UPDATE, TRUNCATE and DELETE (except a sanctioned purge of
rows older than six months). SQLite has no such triggers; there `verify_audit` detects tampering."""

from django.db import migrations

from aidflow.core.postgres_sql import postgresql_only

CREATE = """
CREATE OR REPLACE FUNCTION audit_event_protect() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('aidflow.allow_purge', true) = 'on' AND OLD.at < now() - interval '6 months' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit events are append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_protect();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_protect();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_update ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_protect();
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [postgresql_only(CREATE, DROP)]
