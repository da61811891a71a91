"""Benchmark: a province's caseload on one PostgreSQL database (docs/PERFORMANCE.md).

    .venv/bin/python benchmarks/scale.py [--n 1000000] [--runs 50] [--fresh] [--db aidflow_scale]
        [--only pages,sweep,verify,notice,throughput,pgbench,batches] [--pages REGEX] [--json FILE]

Creates (or reuses) the database `--db` (a name starting with aidflow_scale), migrates it, seeds the
demo data and bulk-loads N synthetic applications in the real schema (benchmarks/scale_load.py).
Then it measures p50/p95 over `--runs` warm requests through gunicorn (2 workers) for every list,
filter, search, inbox, detail, action-form, statistics and audit page of the web UI and the API;
the deadline sweep (first and second run); `verify_audit` (full and incremental); the notice
render; whole-application throughput through the services (1 and 2 processes, PDFs left to a
worker process); batch work at size (benchmarks/scale_batches.py: a payment batch, a claim, a roll
import, the public disclosure; not in the default run); and pgbench (TPC-B, 2 clients) on a
scratch database for scale. Prints a table and one JSON document (also written to --json). Figures
only: nothing is asserted. On a database loaded before, the load is skipped and `--only` measures
some parts again.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PG = "postgres://postgres@127.0.0.1:5432"
PARTS = ("pages", "sweep", "verify", "notice", "throughput", "pgbench", "batches")
DEFAULT_PARTS = PARTS[:-1]  # batch work sets up its own rows: asked for by name
BATCH_PARTS = ("payments", "claim", "rolls", "disclosure")


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="synthetic applications (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=50, help="measured requests per page (default 50)")
    parser.add_argument("--db", default="aidflow_scale", help="database name, starting with aidflow_scale")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--seconds", type=float, default=20.0, help="throughput run length (default 20 s)")
    parser.add_argument("--json", default="", help="also write the JSON document to this file")
    parser.add_argument(
        "--only",
        default=",".join(DEFAULT_PARTS),
        help=f"comma-separated parts to measure after the load: {','.join(PARTS)} (default {','.join(DEFAULT_PARTS)})",
    )
    parser.add_argument(
        "--batch-parts",
        default=",".join(BATCH_PARTS),
        help=f"with --only batches: which batch operations (default all: {','.join(BATCH_PARTS)})",
    )
    parser.add_argument("--pages", default="", help="only the pages whose name matches this regular expression")
    parser.add_argument("--throughput-worker", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--render-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.db.startswith("aidflow_scale"):
        parser.error("--db must start with aidflow_scale")
    args.only = [part.strip() for part in args.only.split(",") if part.strip()]
    if unknown := set(args.only) - set(PARTS):
        parser.error(f"--only: unknown parts {', '.join(sorted(unknown))}")
    return args


def setup(db: str, fresh: bool) -> None:
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("AIDFLOW_IGNORE_DOTENV", "1")
    # Files of the benchmark stay out of the working tree.
    os.environ.setdefault("STATIC_ROOT", "/tmp/aidflow-scale/static")  # noqa: S108
    os.environ.setdefault("MEDIA_ROOT", "/tmp/aidflow-scale/media")  # noqa: S108
    if fresh:
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", db], check=True)  # noqa: S603, S607
    from monthly_statistics import setup as database_setup

    database_setup()


def sample_case() -> dict:
    """An open case at the county of 陵城区 with its task, and a name, number and ID to search for."""
    from aidflow.cases.models import Application
    from aidflow.cases.selectors import open_task

    application = (
        Application.objects.filter(village__code__startswith="371403", stage="county_approval").order_by("-pk").first()
    )
    other = Application.objects.filter(village__code__startswith="3714").order_by("pk")[500:501].get()
    deep = min(2000, Application.objects.filter(village__code__startswith="3714").count() // 50)
    return {
        "deep_page": deep,
        "application": application.pk,
        "task": open_task(application).pk,
        "name": other.applicant_name,
        "number": other.number,
        "id_number": other.id_number,
    }


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return round((time.perf_counter() - started) * 1000, 1), result


def sweep_figures() -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from aidflow.cases.models import DeadlineNotice, Notification, StageClock
    from aidflow.cases.services.deadlines import deadlines_sweep

    # What an earlier run of this benchmark sent is taken back, so the first run has its work again.
    DeadlineNotice.objects.all().delete()
    Notification.objects.filter(kind__in=["due_soon", "overdue"]).delete()
    open_clocks = StageClock.objects.filter(outcome="open", due_date__isnull=False).count()
    figures = {"open_clocks": open_clocks}
    for label in ("first", "second"):
        with CaptureQueriesContext(connection) as queries:
            ms, result = timed(deadlines_sweep)
        figures[label] = {
            "ms": ms,
            "queries": len(queries),
            "reminders": result.reminders,
            "escalations": result.escalations,
            "notifications": result.notifications,
        }
    return figures


def verify_figures() -> dict:
    from django.core.management import call_command

    from aidflow.audit.models import AuditEvent

    figures = {"events": AuditEvent.objects.count()}
    full_ms, _ = timed(lambda: call_command("verify_audit", "--full", stdout=open(os.devnull, "w")))
    incremental_ms, _ = timed(lambda: call_command("verify_audit", stdout=open(os.devnull, "w")))
    figures.update({"full_ms": full_ms, "incremental_ms": incremental_ms})
    return figures


def notice_figures(renders: int = 10) -> dict:
    import statistics

    from aidflow.notices.models import Notice
    from aidflow.notices.rendering import render_pdf

    notice = Notice.objects.order_by("pk").first()
    times = [timed(lambda: render_pdf(notice))[0] for _ in range(renders + 1)][1:]
    return {"renders": renders, "median_ms": round(statistics.median(times), 1), "max_ms": max(times)}


def throughput(processes: int, seconds: float) -> dict:
    """Applications filed and taken to the end (filing, 3 decisions, delivery) through the services,
    in `processes` processes at once, while one worker process renders the approval PDFs."""
    from aidflow.notices.tasks import render_pending_notices

    render_pending_notices(older_than_seconds=0)  # no backlog from an earlier run
    database = os.environ["DATABASE_URL"].rsplit("/", 1)[1]
    command = [sys.executable, __file__, "--db", database]
    renderer = subprocess.Popen([*command, "--render-worker"])  # noqa: S603
    try:
        workers = [
            subprocess.Popen([*command, "--throughput-worker", str(seconds)], stdout=subprocess.PIPE, text=True)  # noqa: S603
            for _ in range(processes)
        ]
        done = [json.loads(worker.communicate()[0].strip().splitlines()[-1]) for worker in workers]
    finally:
        renderer.terminate()
        renderer.wait()
    total = sum(item["applications"] for item in done)
    return {
        "processes": processes,
        "applications": total,
        "per_second": round(sum(item["applications"] / item["seconds"] for item in done), 1),
        "in_flight_at_end": sum(item["in_flight"] for item in done),
        "failed": sum(item["failed"] for item in done),
        "queries_per_application": round(sum(item["queries"] for item in done) / max(total, 1), 1),
    }


def pgbench() -> dict:
    """TPC-B on a small scratch database, 2 clients, 20 s: what this machine's PostgreSQL commits."""
    base = ["-h", "127.0.0.1", "-U", "postgres"]
    subprocess.run(["dropdb", *base, "--if-exists", "aidflow_pgbench"], check=True)  # noqa: S603, S607
    subprocess.run(["createdb", *base, "aidflow_pgbench"], check=True)  # noqa: S603, S607
    subprocess.run(["pgbench", *base, "-i", "-q", "-s", "10", "aidflow_pgbench"], check=True, capture_output=True)  # noqa: S603, S607
    output = subprocess.run(  # noqa: S603
        ["pgbench", *base, "-c", "2", "-j", "2", "-T", "20", "aidflow_pgbench"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    subprocess.run(["dropdb", *base, "aidflow_pgbench"], check=True)  # noqa: S603, S607
    tps = re.search(r"tps = ([0-9.]+)", output)
    return {"tps": float(tps.group(1)) if tps else None, "clients": 2, "scale": 10, "seconds": 20}


def table(result: dict) -> str:
    lines = [f"{'page':<48}{'p50 ms':>10}{'p95 ms':>10}  status  5xx"]
    for row in result.get("pages", []):
        lines.append(
            f"{row['group'] + ' ' + row['name']:<48}{row['p50_ms']:>10}{row['p95_ms']:>10}  {row['status']:>6}"
            f"  {row.get('server_errors', 0):>3}"
        )
    if pages := result.get("pages"):
        lines.append(f"server errors (5xx): {sum(row.get('server_errors', 0) for row in pages)} in all")
    if sweep := result.get("sweep"):
        lines.append(
            f"sweep first: {sweep['first']['ms']} ms, {sweep['first']['queries']} queries "
            f"({sweep['open_clocks']} open clocks, {sweep['first']['escalations']} escalations, "
            f"{sweep['first']['reminders']} reminders)"
        )
        lines.append(f"sweep second: {sweep['second']['ms']} ms, {sweep['second']['queries']} queries")
    if verify := result.get("verify_audit"):
        lines.append(
            f"verify_audit: full {verify['full_ms']} ms, incremental {verify['incremental_ms']} ms "
            f"({verify['events']:,} events)"
        )
    if notice := result.get("notice_render"):
        lines.append(f"notice render: median {notice['median_ms']} ms")
    for item in result.get("throughput", []):
        lines.append(
            f"throughput {item['processes']} process(es): {item['per_second']} applications/s, "
            f"{item['queries_per_application']} queries each"
        )
    if pgbench_result := result.get("pgbench"):
        lines.append(f"pgbench TPC-B 2 clients: {pgbench_result['tps']} tps")
    if batches := result.get("batches"):
        from scale_batches_pages import table_lines

        lines.extend(table_lines(batches))
    lines.append(f"load {result['load']['seconds']} s; whole run {result['seconds']} s")
    return "\n".join(lines)


def main() -> None:
    args = arguments()
    setup(args.db, args.fresh)
    from django.conf import settings

    settings.DEBUG = False  # monthly_statistics.setup turns it on; no query log while measuring
    if args.throughput_worker:
        from scale_throughput import run

        print(json.dumps(run(args.throughput_worker)))
        return
    if args.render_worker:
        from scale_throughput import render_loop

        render_loop()
    from django.db import connection
    from scale_load import load
    from scale_measure import gunicorn_start, measure_pages

    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    started = time.perf_counter()
    result = {
        "machine": {"host": platform.node(), "cores": os.cpu_count(), "python": platform.python_version()},
        "n": args.n,
        "load": load(args.n, log=log),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        result["machine"]["postgresql"] = cursor.fetchone()[0].split(" on ")[0]
        for table_name in ("cases_application", "viewflow_task", "cases_stageclock", "audit_auditevent"):
            cursor.execute(f"SELECT COUNT(*) FROM {table_name}")  # noqa: S608
            result.setdefault("rows", {})[table_name] = cursor.fetchone()[0]
    log(f"rows: {result['rows']}")
    if "pages" in args.only:
        # DEBUG off, as gunicorn runs: the hashed names' manifest is written.
        manage = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"]
        if not os.environ.get("SCALE_STATIC_DONE"):  # set it to reuse the files a run before collected
            subprocess.run(manage, check=True, env={**os.environ, "DEBUG": "False"})  # noqa: S603
        server = gunicorn_start()
        try:
            result["pages"] = measure_pages(sample_case(), args.runs, log=log, only=args.pages)
        finally:
            server.terminate()
            server.wait()
    if "sweep" in args.only:
        log("sweep ...")
        result["sweep"] = sweep_figures()
    if "verify" in args.only:
        log("verify_audit ...")
        result["verify_audit"] = verify_figures()
    if "notice" in args.only:
        result["notice_render"] = notice_figures()
    if "throughput" in args.only:
        log("throughput ...")
        result["throughput"] = [throughput(1, args.seconds), throughput(2, args.seconds)]
    if "batches" in args.only:
        from scale_batches import run as batches_run

        result["batches"] = batches_run(args.runs, log, parts=args.batch_parts.split(","))
    if "pgbench" in args.only:
        log("pgbench ...")
        result["pgbench"] = pgbench()
    result["seconds"] = round(time.perf_counter() - started, 1)
    print(table(result))
    document = json.dumps(result, ensure_ascii=False, indent=1)
    print(document)
    if args.json:
        Path(args.json).write_text(document, encoding="utf-8")


if __name__ == "__main__":
    main()
