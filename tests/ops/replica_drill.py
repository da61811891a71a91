"""Run by tests/ops/test_replica_live.py in its own process, with DATABASE_URL at a primary and
DATABASE_REPLICA_URL at its streaming replica: proves which database each read goes to.

Replay on the replica is paused, an audit event is written on the primary, and the audit screen
then shows it or not: not when read from the (stale) replica, yes from the primary - inside a
transaction, right after the user's own write, and when the replica lags more than allowed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidflow.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections, router, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aidflow.audit.models import AuditAction, AuditEvent  # noqa: E402
from aidflow.audit.services import audit_record  # noqa: E402
from aidflow.core.replica import replica_lag_forget, replica_reads  # noqa: E402
from tests.factories import BEIJIE, LINGCHENG, import_regions, make_staff  # noqa: E402

MARK = "replica-drill-mark"
AUDIT = "/workbench/audit/"
LAG_CHECK = "SELECT CASE WHEN pg_last_wal_receive_lsn()"


def sql(alias: str, statement: str, params=()):
    with connections[alias].cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()


def wait_replayed() -> None:
    (position,) = sql("default", "SELECT pg_current_wal_lsn()::text")
    deadline = time.monotonic() + 60
    while not sql("replica", "SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), %s::pg_lsn) >= 0", [position])[0]:
        if time.monotonic() > deadline:
            raise SystemExit("the replica did not catch up in 60 s")
        time.sleep(0.2)


def audit_page(client: Client) -> tuple[bool, int]:
    """(the marked event is on the audit screen, queries the replica answered besides the lag check)."""
    replica_lag_forget()
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        response = client.get(AUDIT)
    assert response.status_code == 200, response.status_code
    served = [query for query in on_replica.captured_queries if not query["sql"].startswith(LAG_CHECK)]
    return MARK in response.content.decode(), len(served)


def step(message: str) -> None:
    print(f"replica drill: {message}", flush=True)


def main() -> None:
    # Pages render with the apps' own static files, as in the test suite (no collectstatic here).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    call_command("migrate", verbosity=0)
    import_regions()
    auditor = make_staff("drill_auditor", "auditor", LINGCHENG, "周敏")
    clerk = make_staff("drill_clerk", "village_clerk", BEIJIE, "李秀英")
    settings.DATABASE_REPLICA_MAX_LAG = 3600
    settings.DATABASE_REPLICA_PIN_SECONDS = 2
    wait_replayed()
    step("the replica has replayed the migrations and the staff")

    sql("replica", "SELECT pg_wal_replay_pause()")
    audit_record(actor=None, action=AuditAction.REGIONS_IMPORTED, region=LINGCHENG, actor_name=MARK)
    assert AuditEvent.objects.filter(actor_name=MARK).exists()
    reader = Client()
    reader.force_login(auditor)

    shown, on_replica = audit_page(reader)
    assert not shown and on_replica > 0, (shown, on_replica)
    step(f"the audit screen read the paused replica ({on_replica} queries): the new event is not there yet")

    with replica_reads():
        assert router.db_for_read(AuditEvent) == "replica"
        assert router.db_for_write(AuditEvent) == "default"
        with transaction.atomic():
            assert router.db_for_read(AuditEvent) == "default"
    step("inside a transaction reads go to the primary; writes always do")

    assert reader.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    shown, on_replica = audit_page(reader)
    assert shown and on_replica == 0, (shown, on_replica)
    step("right after the user's own write (a POST) the screen reads the primary and shows the event")

    time.sleep(settings.DATABASE_REPLICA_PIN_SECONDS + 0.5)
    shown, on_replica = audit_page(reader)
    assert not shown and on_replica > 0, (shown, on_replica)
    step("once the pin has run out the replica serves again")

    settings.DATABASE_REPLICA_MAX_LAG = 1
    time.sleep(1.5)
    shown, on_replica = audit_page(reader)
    assert shown and on_replica == 0, (shown, on_replica)
    step("a replica lagging more than DATABASE_REPLICA_MAX_LAG is passed over: the primary serves")

    sql("replica", "SELECT pg_wal_replay_resume()")
    wait_replayed()
    settings.DATABASE_REPLICA_MAX_LAG = 3600
    shown, on_replica = audit_page(reader)
    assert shown and on_replica > 0, (shown, on_replica)
    step("replay resumed: the replica serves the event")

    worker = Client()
    worker.force_login(clerk)
    with CaptureQueriesContext(connections["replica"]) as clerk_reads:
        assert worker.get("/workbench/applications/").status_code == 200
    with CaptureQueriesContext(connections["replica"]) as auditor_reads:
        assert reader.get("/workbench/applications/").status_code == 200
    assert len(clerk_reads) == 0 and len(auditor_reads) > 0, (len(clerk_reads), len(auditor_reads))
    step("the application list reads the replica for an auditor, the primary for a clerk")

    try:
        sql("replica", "CREATE TABLE drill_write (id int)")
    except Exception as error:  # the replica refuses writes: read-only sessions on a standby
        step(f"the replica refuses a write ({type(error).__name__})")
    else:
        raise SystemExit("the replica accepted a write")
    step("ok")


if __name__ == "__main__":
    main()
