"""Bulk-load N synthetic applications for benchmarks/scale.py, in the real schema.

The demo data (`seed_demo`: nine applications filed and moved on through the real services) are the
templates. Each synthetic application is a copy of one template with everything the services wrote
for it - the viewflow process and tasks, stage clocks and records, stays, documents, claimed stays,
notices and audit events - moved to a random Dezhou village and shifted back in time (closed cases
over two years, open ones over the last two months). Rows are copied in SQL (`INSERT ... SELECT`
over a plan table), except the audit events: those are hashed in Python with aidflow.audit's own
`event_hash`, so the chain verifies, and written with COPY.
"""

from __future__ import annotations

import datetime
import io
import random
import time
from types import SimpleNamespace

from django.db import connection, transaction

PLAN_TABLE = "scale_plan"
BATCH = 50_000
OPEN_SHARE = 0.10  # the share of applications at an open stage
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "秀英桂兰建国志强丽敏伟明红华军平芳玉兰海燕德明凤霞春梅金山福林淑珍玉珍春花振华国庆立新文华"

# Columns rewritten for a copy, by table: an SQL expression over the template row `t` and plan `p`.
SPECIAL = {
    "cases_application": {
        "number": "p.number",
        "id_number": "p.id_number",
        "applicant_name": "p.name",
        "village_id": "p.village",
        "payee_name": "CASE WHEN t.payee_name = '' THEN '' ELSE p.name END",
    },
    "cases_stayclaim": {"id_number": "p.id_number", "reference": "p.number"},
    "cases_stageclock": {
        "region": "substr(p.village, 1, length(t.region))",
        "township": "substr(p.village, 1, 9)",
        # A copy is not in the on-time rollup until the rollup folds it (at the end of the load).
        "rolled_up": "false",
    },
    "viewflow_task": {
        "owner_permission_obj_pk": "CASE WHEN t.owner_permission_obj_pk ~ '^[0-9]+$' "
        "THEN substr(p.village, 1, length(t.owner_permission_obj_pk)) ELSE t.owner_permission_obj_pk END",
    },
    "notices_notice": {
        "number": "t.number || '-' || p.k",
        "verification_code": "'S' || p.k || 'N' || t.id",
    },
}
# Foreign keys to the copied tables: the column, the table whose ids it holds.
REFERENCES = {
    "application_id": "cases_application",
    "process_id": "viewflow_process",
    "task_id": "viewflow_task",
    "from_task_id": "viewflow_task",
    "to_task_id": "viewflow_task",
    "parent_task_id": "viewflow_task",
    "replaces_id": "notices_notice",
}
# Each copied table and how its template rows join the plan (`p.tpl` is a template application id).
JOINS = {
    "viewflow_process": "JOIN cases_application a ON a.process_id = t.id JOIN {plan} p ON p.tpl = a.id",
    "viewflow_task": "JOIN cases_application a ON a.process_id = t.process_id JOIN {plan} p ON p.tpl = a.id",
    "viewflow_task_previous": "JOIN viewflow_task x ON x.id = t.from_task_id "
    "JOIN cases_application a ON a.process_id = x.process_id JOIN {plan} p ON p.tpl = a.id",
    "cases_application": "JOIN {plan} p ON p.tpl = t.id",
    "cases_householdmember": "JOIN {plan} p ON p.tpl = t.application_id",
    "cases_hospitalstay": "JOIN {plan} p ON p.tpl = t.application_id",
    "cases_stayclaim": "JOIN {plan} p ON p.tpl = t.application_id",
    "cases_document": "JOIN {plan} p ON p.tpl = t.application_id",
    "cases_stageclock": "JOIN {plan} p ON p.tpl = t.application_id",
    "cases_stagerecord": "JOIN {plan} p ON p.tpl = t.application_id",
    "notices_notice": "JOIN {plan} p ON p.tpl = t.application_id",
}


def _columns(cursor, table: str) -> list[tuple[str, str]]:
    cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return cursor.fetchall()


def _strides(cursor) -> dict[str, int]:
    """Ids of copy k are the template's id + k * stride: no two copies (or templates) collide."""
    strides = {}
    for table in JOINS:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
        strides[table] = cursor.fetchone()[0]
    return strides


def _copy_sql(cursor, table: str, strides: dict[str, int], first: int, last: int) -> str:
    expressions, names = [], []
    for column, data_type in _columns(cursor, table):
        names.append(column)
        if column in SPECIAL.get(table, {}):
            expressions.append(SPECIAL[table][column])
        elif column == "id":
            expressions.append(f"t.id + p.k * {strides[table]}")
        elif column in REFERENCES:
            expressions.append(f"t.{column} + p.k * {strides[REFERENCES[column]]}")
        elif column == "artifact_object_id":
            expressions.append(f"t.{column} + p.k * {strides['cases_application']}")
        elif data_type == "date":
            expressions.append(f"t.{column} - p.shift")
        elif data_type.startswith("timestamp"):
            expressions.append(f"t.{column} - p.shift * INTERVAL '1 day'")
        else:
            expressions.append(f"t.{column}")
    join = JOINS[table].format(plan=PLAN_TABLE)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(expressions)} "  # noqa: S608
        f"FROM {table} t {join} WHERE p.k BETWEEN {first} AND {last}"
    )


def _plan(n: int, templates, villages: list[str], counters: dict, seed: int = 20260101) -> list[tuple]:
    """One row per copy: (k, template, village, days back, number, resident ID, name), oldest first."""
    from aidflow.cases.demo import demo_id

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    closed = [pk for pk, stage in templates if stage == "closed"]
    open_ = [pk for pk, stage in templates if stage != "closed"]
    today = datetime.date.today()
    drafts = []
    for _index in range(n):
        if rng.random() < OPEN_SHARE:
            drafts.append((rng.choice(open_), rng.randint(0, 60)))
        else:
            drafts.append((rng.choice(closed), rng.randint(0, 730)))
    drafts.sort(key=lambda draft: -draft[1])
    rows = []
    for k, (template, shift) in enumerate(drafts, start=1):
        village = rng.choice(villages)
        county, year = village[:6], (today - datetime.timedelta(days=shift)).year
        counters[(county, year)] = counters.get((county, year), 1000) + 1
        birth = datetime.date(1940, 1, 1) + datetime.timedelta(days=k % 25_000)
        id_number = demo_id(county, birth, f"{k // 25_000:03d}")
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        rows.append((k, template, village, shift, f"{county}-{year}-{counters[(county, year)]:05d}", id_number, name))
    return rows


def _copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_value(value) for value in row))
        buffer.write("\n")
    buffer.seek(0)
    cursor.cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buffer)


def _copy_value(value) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _audit_copies(cursor, plan: list[tuple], strides: dict[str, int], first: int, last: int, chain: dict) -> int:
    """Append the template applications' audit events for copies first..last to the chain."""
    import json

    from aidflow.audit.services import event_hash

    templates = chain["templates"]
    stride = strides["cases_application"]
    out = []
    for k, template, village, shift, number, _id_number, _name in plan[first - 1 : last]:
        for source in templates.get(template, ()):
            details = source.details
            if details.get("number") == chain["numbers"][template]:
                details = {**details, "number": number}
            # The attributes canonical() reads, without a model instance per event (millions).
            event = SimpleNamespace(
                seq=chain["seq"] + 1,
                at=source.at - datetime.timedelta(days=shift),
                actor_id=source.actor_id,
                actor_name=source.actor_name,
                role=source.role,
                region=village[: len(source.region)] if source.region.isdigit() else source.region,
                action=source.action,
                application_id=template + k * stride,
                stage=source.stage,
                details=details,
                client_address=source.client_address,
                prev_hash=chain["hash"],
            )
            event.hash = event_hash(event.prev_hash, event)
            chain["seq"], chain["hash"] = event.seq, event.hash
            out.append(
                (
                    event.seq,
                    event.at.isoformat(),
                    event.actor_id,
                    event.actor_name,
                    event.role,
                    event.region,
                    event.action,
                    event.application_id,
                    event.stage,
                    json.dumps(details, ensure_ascii=False),
                    event.client_address,
                    event.prev_hash,
                    event.hash,
                )
            )
    columns = "seq at actor_id actor_name role region action application_id stage details client_address"
    _copy_rows(cursor, "audit_auditevent", [*columns.split(), "prev_hash", "hash"], out)
    return len(out)


def load(n: int, log=print) -> dict:
    """Copy the demo applications until there are n synthetic ones; returns what was loaded (and how fast)."""
    from django.core.management import call_command

    from aidflow.audit.models import AuditEvent
    from aidflow.cases.models import Application, ApplicationCounter
    from aidflow.regions.models import Level, Region

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    if not Application.objects.exists():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    templates = list(
        Application.objects.filter(number__regex=r"^[0-9]{6}-[0-9]{4}-0000[0-9]$").values_list("pk", "stage")
    )
    have = Application.objects.count() - len(templates)
    if have >= n:
        log(f"{have:,} synthetic applications already loaded; reusing them")
        return {"loaded": 0, "existing": have, "seconds": 0.0}
    if have:
        raise SystemExit(f"{have:,} synthetic applications present but {n:,} asked: drop the database or use --fresh")
    villages = sorted(
        Region.objects.filter(level=Level.VILLAGE, code__startswith="3714").values_list("code", flat=True)
    )
    counters = {(row.county_code, row.year): row.last + 1000 for row in ApplicationCounter.objects.all()}
    plan = _plan(n, templates, villages, counters)
    chain_templates: dict[int, list] = {}
    for event in AuditEvent.objects.filter(application_id__in=[pk for pk, _stage in templates]).order_by("seq"):
        chain_templates.setdefault(event.application_id, []).append(event)
    last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
    chain = {
        "templates": chain_templates,
        "numbers": dict(Application.objects.filter(pk__in=[pk for pk, _ in templates]).values_list("pk", "number")),
        "seq": last["seq"],
        "hash": last["hash"],
    }
    events = 0
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        strides = _strides(cursor)
        cursor.execute(f"DROP TABLE IF EXISTS {PLAN_TABLE}")
        cursor.execute(
            f"CREATE UNLOGGED TABLE {PLAN_TABLE} (k bigint PRIMARY KEY, tpl bigint, village varchar(12), "
            "shift int, number varchar(20), id_number varchar(18), name varchar(50))"
        )
        _copy_rows(cursor, PLAN_TABLE, ["k", "tpl", "village", "shift", "number", "id_number", "name"], plan)
        cursor.execute(f"ANALYZE {PLAN_TABLE}")
        for first in range(1, n + 1, BATCH):
            batch_last = min(n, first + BATCH - 1)
            with transaction.atomic():
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                for table in JOINS:
                    cursor.execute(_copy_sql(cursor, table, strides, first, batch_last))
                events += _audit_copies(cursor, plan, strides, first, batch_last, chain)
            log(f"  {batch_last:,}/{n:,} applications, {events:,} audit events ({time.perf_counter() - started:.0f} s)")
        for table in JOINS:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
            )
        for (county, year), last_number in counters.items():
            cursor.execute(
                "INSERT INTO cases_applicationcounter (county_code, year, last) VALUES (%s, %s, %s) "
                "ON CONFLICT (county_code, year) DO UPDATE SET last = GREATEST(cases_applicationcounter.last, "
                "EXCLUDED.last)",
                [county, year, last_number],
            )
        _ledger_rebuild(cursor)
        folded = _ontime_rollup()
        log(f"  {folded:,} stage clocks folded into the on-time rollup ({time.perf_counter() - started:.0f} s)")
        cursor.execute(f"DROP TABLE {PLAN_TABLE}")
        cursor.execute("VACUUM ANALYZE")
    seconds = time.perf_counter() - started
    log(f"loaded {n:,} applications and {events:,} audit events in {seconds:.0f} s")
    return {"loaded": n, "audit_events": events, "seconds": round(seconds, 1)}


def _ontime_rollup() -> int:
    """The copies' closed clocks into the on-time rollup, as beat would within minutes."""
    from aidflow.reports.rollup import ontime_rollup

    return ontime_rollup()


def _ledger_rebuild(cursor) -> None:
    """The aid ledger (what the monthly statistics add up), rebuilt with the migrations' own backfill."""
    import importlib

    applications_sql = importlib.import_module("aidflow.cases.migrations.0012_aid_ledger_rows").BACKFILL
    settlements_sql = importlib.import_module("aidflow.settlements.migrations.0003_ledger_rows").BACKFILL
    months_sql = importlib.import_module("aidflow.cases.migrations.0016_aid_ledger_month").BACKFILL
    # The monthly sums are summed once at the end instead of by a trigger call per row.
    cursor.execute("ALTER TABLE cases_aidledgerrow DISABLE TRIGGER cases_aidledgermonth_apply")
    cursor.execute("DELETE FROM cases_aidledgerrow")
    # Columns added after those backfills were written: zero, as the copies record none.
    later = ("hospital_reduction", "emergency_fund")
    cursor.execute(
        "ALTER TABLE cases_aidledgerrow " + ", ".join(f"ALTER COLUMN {name} SET DEFAULT 0" for name in later)
    )
    cursor.execute(applications_sql, [True])
    cursor.execute(settlements_sql)
    cursor.execute("ALTER TABLE cases_aidledgerrow " + ", ".join(f"ALTER COLUMN {name} DROP DEFAULT" for name in later))
    cursor.execute("ALTER TABLE cases_aidledgerrow ENABLE TRIGGER cases_aidledgermonth_apply")
    cursor.execute("DELETE FROM cases_aidledgermonth")
    cursor.execute(months_sql.format(month="to_char(day, 'YYYY-MM')"))
