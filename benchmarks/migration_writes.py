"""Benchmark: how long an upgrade blocks the offices' writes on a loaded database (docs/PERFORMANCE.md).

    .venv/bin/python benchmarks/migration_writes.py [--db aidflow_scale] [--back cases=0019,settlements=0004]

On the database benchmarks/scale.py loaded, the newest migrations are taken back (`--back`: each app
to the migration before them) and then applied with `manage.py migrate`, as an upgrade would, while
a writer updates a random application and settlement row every 10 ms on its own connection, each
write in its own transaction as a clerk's would be. Prints how long the migration took, how many
writes it saw and the slowest: a write the migration blocks waits for it (a plain CREATE INDEX holds
a SHARE lock on the table until it ends), so the slowest write is the time writes were blocked.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="aidflow_scale", help="the loaded database (default aidflow_scale)")
    parser.add_argument(
        "--back",
        default="cases=0019,settlements=0004",
        help="app=migration pairs to take back to before measuring (default cases=0019,settlements=0004)",
    )
    return parser.parse_args()


def manage(*words: str, env: dict) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *words], check=True, env=env, cwd=ROOT)  # noqa: S603
    return time.perf_counter() - started


class Writer(threading.Thread):
    """Updates one random row of each table every 10 ms until stopped; keeps each write's time."""

    def __init__(self, dsn: str):
        super().__init__(daemon=True)
        self.connection = psycopg2.connect(dsn)
        self.connection.autocommit = True
        self.stop = threading.Event()
        self.times: list[tuple[float, float]] = []  # (started, seconds)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT min(id), max(id) FROM cases_application")
            self.applications = cursor.fetchone()
            cursor.execute("SELECT min(id), max(id) FROM settlements_settlement")
            self.settlements = cursor.fetchone()

    def run(self) -> None:
        rng = random.Random(20261204)  # noqa: S311
        with self.connection.cursor() as cursor:
            while not self.stop.is_set():
                started = time.perf_counter()
                cursor.execute(
                    "UPDATE cases_application SET stage_due_date = stage_due_date WHERE id = %s",
                    [rng.randint(*self.applications)],
                )
                if self.settlements[0] is not None:
                    cursor.execute(
                        "UPDATE settlements_settlement SET status = status WHERE id = %s",
                        [rng.randint(*self.settlements)],
                    )
                self.times.append((started, time.perf_counter() - started))
                time.sleep(0.01)


def main() -> None:
    args = arguments()
    if not args.db.startswith("aidflow_scale"):
        raise SystemExit("--db must start with aidflow_scale")
    dsn = f"{PG}/{args.db}"
    env = {
        **os.environ,
        "DATABASE_URL": dsn,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "benchmark-only-" + "x" * 50),
        "AIDFLOW_IGNORE_DOTENV": "1",
        "DEBUG": "True",
    }
    env.pop("CELERY_BROKER_URL", None)
    back = [pair.split("=", 1) for pair in args.back.split(",") if pair]
    for app, name in back:
        manage("migrate", app, name, "-v0", env=env)
    with psycopg2.connect(dsn) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM cases_application")
        applications = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM settlements_settlement")
        settlements = cursor.fetchone()[0]
    writer = Writer(dsn)
    writer.start()
    time.sleep(2)
    before = len(writer.times)
    seconds = manage("migrate", "-v1", env=env)
    time.sleep(2)
    writer.stop.set()
    writer.join()
    during = [took for _started, took in writer.times[before:]]
    result = {
        "database": args.db,
        "applications": applications,
        "settlements": settlements,
        "taken_back": [f"{app} {name}" for app, name in back],
        "migrate_seconds": round(seconds, 1),
        "writes_during": len(during),
        "write_p50_ms": round(statistics.median(during) * 1000, 2) if during else None,
        "write_max_ms": round(max(during) * 1000, 1) if during else None,
        "writes_over_1s": sum(took > 1 for took in during),
    }
    print(
        f"migrate: {result['migrate_seconds']} s on {applications:,} applications and {settlements:,} settlements; "
        f"{result['writes_during']} writes meanwhile, p50 {result['write_p50_ms']} ms, "
        f"slowest {result['write_max_ms']} ms, {result['writes_over_1s']} over 1 s"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
