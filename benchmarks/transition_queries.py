"""Queries per step of a whole application, and applications/s through the services without PDFs.

    .venv/bin/python benchmarks/transition_queries.py [--n 20] [--db aidflow_scale_tp] [--profile]

Creates (or reuses) the PostgreSQL database `--db` (a name starting with aidflow_scale_tp),
migrates it and seeds the demo data once. Then it files N applications with `application_file`
and takes each through village check, township review, county approval and delivery with
`task_complete`, as benchmarks/scale_throughput.py does. The approval PDF is not rendered: the
notice is marked printable between approval and delivery, outside the counted and timed steps.
Prints the queries per step (mean over the N), the statements grouped by SQL pattern (tables and
kind, per application), and applications/s over the service calls alone. `--profile` adds the
top functions by cumulative CPU time (cProfile). Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"
STEPS = ("file", "village_check", "township_review", "county_approval", "notice_delivery")


def setup(db: str) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("AIDFLOW_IGNORE_DOTENV", "1")
    os.environ.setdefault("MEDIA_ROOT", "/tmp/aidflow-scale-tp/media")  # noqa: S108
    os.environ.setdefault("STATIC_ROOT", "/tmp/aidflow-scale-tp/static")  # noqa: S108
    os.environ["DEBUG"] = "False"
    os.environ["DJANGO_SETTINGS_MODULE"] = "aidflow.settings"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django
    import psycopg2

    admin = psycopg2.connect(dbname="postgres", user="postgres", host="127.0.0.1", port=5432)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{db}"')
    admin.close()
    django.setup()
    from django.core.management import call_command

    from aidflow.cases.models import Application

    call_command("migrate", verbosity=0)
    if not Application.objects.exists():
        call_command("seed_demo", verbosity=0)


def pattern(sql: str) -> str:
    """A statement reduced to its kind and the tables it names."""
    kind = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    if kind == "SELECT" and "FOR UPDATE" in sql.upper():
        kind = "SELECT..FOR UPDATE"
    tables = re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"?([a-z_0-9]+)"?', sql, flags=re.IGNORECASE)
    if kind in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
        return kind
    seen = list(dict.fromkeys(tables))
    if not seen and "pg_advisory" in sql:
        seen = ["pg_advisory_xact_lock"]
    return f"{kind} {' + '.join(seen)}".strip()


class Counter:
    """An execute wrapper counting statements by step and by pattern."""

    def __init__(self):
        self.step = None
        self.per_step = collections.Counter()
        self.patterns = collections.Counter()
        self.patterns_by_step = collections.defaultdict(collections.Counter)

    def __call__(self, execute, sql, params, many, context):
        if self.step is not None:
            self.per_step[self.step] += 1
            key = pattern(sql)
            self.patterns[key] += 1
            self.patterns_by_step[self.step][key] += 1
        return execute(sql, params, many, context)


def drive(n: int, profile: bool) -> dict:
    import cProfile
    import datetime
    import pstats
    import random
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.utils import timezone

    from aidflow.cases.demo import COUNTY_HOSPITAL, DEMO_PDF, _filing, _stay, demo_id
    from aidflow.cases.selectors import open_task
    from aidflow.cases.services.documents import UploadedDocument
    from aidflow.cases.services.filing import application_file
    from aidflow.cases.services.tasks import task_complete
    from aidflow.notices.models import Notice

    users = {user.username: user for user in get_user_model().objects.select_related("staff")}
    clerk, reviewer, approver = users["clerk_beijie"], users["reviewer_shentou"], users["approver_lingcheng"]
    today = timezone.localdate().isoformat()
    rng = random.Random()  # noqa: S311 - synthetic data
    counter = Counter()
    seconds = collections.Counter()
    profiler = cProfile.Profile() if profile else None

    def timed(step, function):
        counter.step = step
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        try:
            return function()
        finally:
            if profiler:
                profiler.disable()
            seconds[step] += time.perf_counter() - started
            counter.step = None

    def documents():
        return [
            UploadedDocument(kind, SimpleUploadedFile("scan.pdf", DEMO_PDF))
            for kind in ("id_card", "diagnosis", "settlement_bill")
        ]

    def filing():
        birth = datetime.date(1930, 1, 1) + datetime.timedelta(days=rng.randrange(30_000))
        id_number = demo_id("371403", birth, f"{rng.randrange(1000):03d}")
        stays = [_stay(COUNTY_HOSPITAL, 40, 14, "52000.00", "30000.00", "5000.00", ("肺恶性肿瘤", "C34.9"))]
        return _filing("371403105201", "王秀英", id_number, "1200.00", 3, stays)

    decisions = (
        ("village_check", clerk, {"decision": "forward", "findings": "材料齐全"}),
        (
            "township_review",
            reviewer,
            {"decision": "forward", "visit_date": today, "visitors": "刘志强", "findings": "属实"},
        ),
        ("county_approval", approver, {"decision": "approve"}),
    )
    delivery = {"delivered_on": today, "method": "in_person", "recipient": "王秀英"}
    done = failed = 0
    with mock.patch("aidflow.notices.services.render_schedule"), connection.execute_wrapper(counter):
        while done < n:
            data, files = filing(), documents()
            try:
                application = timed("file", functools.partial(application_file, user=clerk, data=data, documents=files))
            except Exception:  # a random resident ID that is taken
                failed += 1
                continue
            for step, user, payload in decisions:
                task_id = open_task(application).pk  # the caller's read (a list or inbox row), not counted
                application = timed(
                    step,
                    lambda: task_complete(user=user, task_id=task_id, payload=payload),  # noqa: B023
                )
            # The worker's render, stood in for: the notice becomes printable.
            Notice.objects.filter(application=application, sha256="").update(sha256="0" * 64)
            task_id = open_task(application).pk
            timed("notice_delivery", functools.partial(task_complete, user=reviewer, task_id=task_id, payload=delivery))
            done += 1
    total = sum(seconds.values())
    result = {
        "applications": done,
        "failed_filings": failed,
        "queries_per_step": {step: counter.per_step[step] / done for step in STEPS},
        "queries_per_application": sum(counter.per_step.values()) / done,
        "ms_per_step": {step: round(seconds[step] / done * 1000, 1) for step in STEPS},
        "applications_per_second": round(done / total, 2),
        "patterns": {key: value / done for key, value in counter.patterns.most_common()},
        "patterns_by_step": {
            step: {key: value / done for key, value in counter.patterns_by_step[step].most_common()} for step in STEPS
        },
    }
    if profiler:
        stats = pstats.Stats(profiler)
        stats.sort_stats("cumulative").print_stats(45)
        stats.sort_stats("tottime").print_stats(25)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=20, help="applications to take through (default 20)")
    parser.add_argument("--db", default="aidflow_scale_tp", help="database name, starting with aidflow_scale_tp")
    parser.add_argument("--profile", action="store_true", help="print the cProfile top functions")
    parser.add_argument("--by-step", action="store_true", help="print the patterns of each step")
    args = parser.parse_args()
    if not args.db.startswith("aidflow_scale_tp"):
        parser.error("--db must start with aidflow_scale_tp")
    setup(args.db)
    drive(2, profile=False)  # warm: imports, templates, first connections
    result = drive(args.n, profile=args.profile)
    print(f"applications: {result['applications']} (failed filings retried: {result['failed_filings']})")
    print("queries per step (mean):")
    for step in STEPS:
        print(f"  {step:<16} {result['queries_per_step'][step]:7.1f}   {result['ms_per_step'][step]:7.1f} ms")
    print(f"  {'total':<16} {result['queries_per_application']:7.1f}")
    print(f"applications/s over the service calls, no PDFs: {result['applications_per_second']}")
    print("statements per application by pattern:")
    for key, value in result["patterns"].items():
        print(f"  {value:6.1f}  {key}")
    if args.by_step:
        for step in STEPS:
            print(f"[{step}]")
            for key, value in result["patterns_by_step"][step].items():
                print(f"  {value:6.1f}  {key}")


if __name__ == "__main__":
    main()
