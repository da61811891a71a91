"""Benchmark: the settlement list and its search box at a province's size (docs/PERFORMANCE.md).

    .venv/bin/python benchmarks/settlement_search.py [--n 1000000] [--runs 50] [--db aidflow_scale]

Uses the database benchmarks/scale.py loaded (migrated, with the demo data). Copies one demo
settlement N times in one INSERT ... SELECT (numbers SC-00000001..., names from the same surname and
given-name mix as the applications, roll regions spread over Dezhou's villages, settled over two
years), ANALYZEs, then measures p50/p95 over `--runs` warm requests through gunicorn (2 workers) for
the settlement list (web and API) as the city's auditor and a county's approver: page 1, a surname
alone, two characters, a full name and a number. Prints figures only; it asserts nothing. Re-running
skips the copies already there.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
PREFIX = "SC-"


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="settlements to copy (default 1,000,000)")
    parser.add_argument("--runs", type=int, default=50, help="measured requests per page (default 50)")
    parser.add_argument("--db", default="aidflow_scale", help="database name, starting with aidflow_scale")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args()
    if not args.db.startswith("aidflow_scale"):
        parser.error("--db must start with aidflow_scale")
    return args


def load(n: int) -> int:
    """Copies of a demo settlement up to `n` of them; returns how many there are."""
    from django.db import connection, transaction
    from scale_load import GIVEN, SURNAMES

    from aidflow.regions.models import Level, Region
    from aidflow.settlements.models import Settlement

    there = Settlement.objects.filter(number__startswith=PREFIX).count()
    if there >= n:
        return there
    template = Settlement.objects.exclude(number__startswith=PREFIX).order_by("pk").first()
    if template is None:
        raise SystemExit("no demo settlement to copy: seed the demo data first")
    villages = list(Region.objects.filter(level=Level.VILLAGE, code__startswith="3714").values_list("code", flat=True))
    days = "((g * 37) %% 730)"
    special = {
        "number": f"'{PREFIX}' || lpad(g::text, 8, '0')",
        "name": "(string_to_array(%(surnames)s, NULL))[1 + g %% %(s)s]"
        " || (string_to_array(%(given)s, NULL))[1 + (g / 7) %% %(g)s]"
        " || CASE WHEN g %% 2 = 0 THEN (string_to_array(%(given)s, NULL))[1 + (g / 11) %% %(g)s] ELSE '' END",
        "region": "(%(villages)s::text[])[1 + (g::bigint * 7919) %% %(v)s]",
        "county": "left((%(villages)s::text[])[1 + (g::bigint * 7919) %% %(v)s], 6)",
        "settled_at": f"now() - ({days} || ' days')::interval - ((g %% 86400) || ' seconds')::interval",
        "discharge_date": f"(now() - ({days} || ' days')::interval)::date",
        "admission_date": f"(now() - ({days} + 10 || ' days')::interval)::date",
        "medical_year": f"extract(year FROM now() - ({days} || ' days')::interval)::int",
        "stay_claim_id": "NULL",
        "claim_id": "NULL",
    }
    columns = [field.column for field in Settlement._meta.concrete_fields if not field.primary_key]
    expressions = [special.get(column, f"t.{column}") for column in columns]
    sql = (
        f"INSERT INTO settlements_settlement ({', '.join(columns)}) "  # noqa: S608
        f"SELECT {', '.join(expressions)} FROM settlements_settlement t "
        "CROSS JOIN generate_series(%(first)s, %(last)s) g WHERE t.id = %(template)s"
    )
    params = {
        "surnames": SURNAMES,
        "given": GIVEN,
        "s": len(SURNAMES),
        "g": len(GIVEN),
        "villages": villages,
        "v": len(villages),
        "template": template.pk,
    }
    batch = 200_000
    for first in range(there + 1, n + 1, batch):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "first": first, "last": min(n, first + batch - 1)})
        print(f"  {min(n, first + batch - 1):,}/{n:,} settlements", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE settlements_settlement")
    return Settlement.objects.filter(number__startswith=PREFIX).count()


def pages(sample) -> list[tuple[str, str, str, str]]:
    from scale_measure import quote

    name, number = sample.name, sample.number
    rows = []
    for persona in ("auditor_dezhou", "approver_lingcheng"):
        for label, query in (
            ("page 1", ""),
            ("search 1 character", f"?q={quote(name[:1])}"),
            ("search 2 characters", f"?q={quote(name[:2])}"),
            ("search name", f"?q={quote(name)}"),
            ("search number", f"?q={number}"),
        ):
            rows.append(("web", f"settlements {label}", persona, f"/workbench/settlements/{query}"))
            rows.append(("api", f"settlements {label}", persona, f"/api/v1/settlements/{query}"))
    return rows


def main() -> None:
    args = arguments()
    from scale import setup

    setup(args.db, fresh=False)
    import io
    import os
    import subprocess

    from django.core.management import call_command
    from django.db import connection

    from aidflow.cases.models import Application
    from aidflow.settlements.models import Settlement

    call_command("migrate", verbosity=0)
    if not Application.objects.exists():
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    count = load(args.n)
    copies = Settlement.objects.filter(number__startswith=PREFIX, county="371403").order_by("pk")
    sample = copies[min(500, copies.count() - 1)]
    print(f"{count:,} settlements copied; sample {sample.number} {sample.name}", flush=True)
    from scale_measure import api_token, gunicorn_start, measure, session_cookie

    # DEBUG off, as gunicorn runs: the hashed names' manifest is written.
    manage = [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"]
    subprocess.run(manage, check=True, env={**os.environ, "DEBUG": "False"})  # noqa: S603
    server = gunicorn_start()
    results = []
    try:
        for group, label, persona, path in pages(sample):
            if group == "web":
                headers = {"Cookie": session_cookie(persona), "Accept-Language": "zh-hans"}
            else:
                headers = {"Authorization": api_token(persona), "Accept": "application/json"}
            figures = measure(path, headers, args.runs)
            results.append({"group": group, "name": label, "persona": persona, "path": path, **figures})
            p50, p95, answer = figures["p50_ms"], figures["p95_ms"], figures["status"]
            print(f"  {group} {label:<32} {persona:<20} p50 {p50:>7} ms  p95 {p95:>7} ms  [{answer}]")
            sys.stdout.flush()
    finally:
        server.terminate()
        server.wait()
    document = {"settlements": count, "database": connection.settings_dict["NAME"], "pages": results}
    print(json.dumps(document, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
