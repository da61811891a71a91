"""Benchmark: a city's monthly statistics with a large caseload (target: well under a second).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aidflow_bench_stats \\
        .venv/bin/python benchmarks/monthly_statistics.py [APPLICATIONS] [SETTLEMENTS]

Creates (or reuses) that database, migrates it, loads the demo data, then copies one approved demo
application APPLICATIONS times (default 1,000,000, each with one counted stay) and one demo
settlement SETTLEMENTS times (default 200,000), spread over 12 months and the city's villages with
bulk inserts. It then times the city's and a county's month (all breakdowns and checks) and the
12-month chart series, five runs each, and prints the median and the worst run with the row counts.
Prints figures only; it asserts nothing. Re-running skips the load when the rows are there.
"""

import datetime
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BATCH = 20_000


def setup() -> None:
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/aidflow_bench_stats")
    os.environ.update({"DJANGO_SETTINGS_MODULE": "aidflow.settings", "DEBUG": "True"})
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "postgresql":
        import psycopg2

        settings = connection.settings_dict
        admin = psycopg2.connect(
            dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [settings["NAME"]])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        admin.close()


def load(applications: int, settlements: int) -> None:
    from django.core.management import call_command
    from django.db import transaction

    from aidflow.cases.models import Application, HospitalStay
    from aidflow.regions.models import Level, Region
    from aidflow.settlements.models import Settlement

    call_command("migrate", verbosity=0)
    if not Application.objects.filter(status="approved").exists():
        call_command("seed_demo", verbosity=0)
    template = Application.objects.filter(status="approved").order_by("pk").first()
    stay = HospitalStay.objects.filter(application=template).order_by("index").first()
    settlement = Settlement.objects.order_by("pk").first()
    villages = list(Region.objects.filter(level=Level.VILLAGE, code__startswith="3714").values_list("code", flat=True))
    today = datetime.date.today()
    days = [today - datetime.timedelta(days=offset) for offset in range(365)]
    have = Application.objects.filter(number__startswith="B-").count()
    print(f"loading {applications - have} applications into {len(villages)} villages ...", flush=True)
    fields = {f.attname: getattr(template, f.attname) for f in Application._meta.concrete_fields if not f.primary_key}
    stay_fields = {f.attname: getattr(stay, f.attname) for f in HospitalStay._meta.concrete_fields if not f.primary_key}
    for start in range(have, applications, BATCH):
        with transaction.atomic():
            rows = []
            for number in range(start, min(start + BATCH, applications)):
                rows.append(
                    Application(
                        **{
                            **fields,
                            "number": f"B-{number:08d}",
                            "id_number": f"B{number:017d}",
                            "village_id": villages[number % len(villages)],
                            "decided_on": days[number % len(days)],
                            "process_id": None,
                        }
                    )
                )
            created = Application.objects.bulk_create(rows)
            HospitalStay.objects.bulk_create(
                HospitalStay(**{**stay_fields, "application_id": row.pk, "index": 0, "counted": True})
                for row in created
            )
    have = Settlement.objects.filter(number__startswith="B-").count()
    print(f"loading {settlements - have} settlements ...", flush=True)
    settlement_fields = {
        f.attname: getattr(settlement, f.attname) for f in Settlement._meta.concrete_fields if not f.primary_key
    }
    for start in range(have, settlements, BATCH):
        with transaction.atomic():
            Settlement.objects.bulk_create(
                Settlement(
                    **{
                        **settlement_fields,
                        "number": f"B-{number:08d}",
                        "id_number": f"S{number:017d}",
                        "region": villages[number % len(villages)],
                        "county": villages[number % len(villages)][:6],
                        "discharge_date": days[number % len(days)],
                        "stay_claim_id": None,
                        "claim_id": None,
                    }
                )
                for number in range(start, min(start + BATCH, settlements))
            )
    import importlib

    from django.db import connection

    from aidflow.cases.models import AidLedgerRow

    expected = HospitalStay.objects.filter(counted=True, application__status="approved").count()
    expected += Settlement.objects.filter(status__in=["settled", "claimed", "approved"]).count()
    if AidLedgerRow.objects.count() != expected:
        print("rebuilding the aid ledger ...", flush=True)
        applications_sql = importlib.import_module("aidflow.cases.migrations.0012_aid_ledger_rows").BACKFILL
        settlements_sql = importlib.import_module("aidflow.settlements.migrations.0003_ledger_rows").BACKFILL
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM cases_aidledgerrow")
            cursor.execute(applications_sql, [True])
            cursor.execute(settlements_sql)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def timed(function, runs: int = 5) -> tuple[float, float, object]:
    times, result = [], None
    for _run in range(runs):
        started = time.perf_counter()
        result = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def main() -> None:
    applications = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    settlements = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    setup()
    load(applications, settlements)
    from django.db import connection

    from aidflow.cases.models import Application
    from aidflow.reports.statistics import monthly_figures, monthly_series
    from aidflow.settlements.models import Settlement

    today = datetime.date.today()
    print(f"machine: {platform.node()} {os.cpu_count()} cores, {connection.vendor}")
    print(f"applications: {Application.objects.count():,}  settlements: {Settlement.objects.count():,}")
    for label, region in (("city 3714", "3714"), ("county 371403", "371403")):
        median, worst, figures = timed(
            lambda region=region: monthly_figures(region=region, year=today.year, month=today.month)
        )
        totals = figures["totals"]
        checks_ok = all(check["ok"] for check in figures["checks"])
        print(
            f"{label}: month {today:%Y-%m} median {median:.0f} ms, worst {worst:.0f} ms "
            f"({totals['person_times']:,} stays, aid {totals['aid']}, checks ok: {checks_ok})"
        )
        median, worst, _series = timed(
            lambda region=region: monthly_series(region=region, year=today.year, month=today.month)
        )
        print(f"{label}: 12-month series median {median:.0f} ms, worst {worst:.0f} ms")


if __name__ == "__main__":
    main()
