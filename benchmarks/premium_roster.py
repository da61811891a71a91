"""A premium subsidy roster at size (issue 27): N persons on a 低保 roll of 平原县, the year's roster
built, confirmed, exported for the insurance agency and the agency's answer (all 成功) recorded.

    .venv/bin/python benchmarks/premium_roster.py [--n 10000] [--db aidflow_scale_roll]

Uses a database seeded by benchmarks/scale.py (the demo's 平原县 approver); the generated roll
periods and the roster are removed afterwards. Prints seconds per step; nothing is asserted."""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MARK = datetime.date(2001, 2, 4)  # valid_from of the generated periods
COUNTY = "371426"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--db", default="aidflow_scale_roll")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidflow.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from scale_batches import resident_id

    from aidflow.core.inserts import rows_insert
    from aidflow.rolls.models import RollPeriod
    from aidflow.subsidies.models import PremiumRoster
    from aidflow.subsidies.services import roster_build, roster_confirm, roster_results, roster_workbook

    approver = get_user_model().objects.get(username="approver_pingyuan")
    year = timezone.localdate().year
    PremiumRoster.objects.filter(county=COUNTY, year=year).delete()
    RollPeriod.objects.filter(valid_from=MARK).delete()
    born = datetime.date(1940, 1, 1)
    numbers = [
        resident_id(f"{COUNTY}{born + datetime.timedelta(days=index // 1000):%Y%m%d}{index % 1000:03d}")
        for index in range(args.n)
    ]
    rows_insert(
        RollPeriod,
        ["id_number", "name", "category", "region", "valid_from", "valid_to"],
        [(number, "某某", "dibao", "371426102201", MARK, None) for number in numbers],
    )
    steps = {}
    started = time.perf_counter()
    roster = roster_build(user=approver, data={"county": COUNTY, "year": year})
    steps["build"] = time.perf_counter() - started
    started = time.perf_counter()
    roster_confirm(
        user=approver, pk=roster.pk, data={"payee": "基金", "bank": "银行", "account": "6200000000000000001"}
    )
    steps["confirm"] = time.perf_counter() - started
    started = time.perf_counter()
    _roster, data = roster_workbook(user=approver, pk=roster.pk)
    steps["agency file (XLSX)"] = time.perf_counter() - started
    answer = "id_number,result,reason\n" + "\n".join(
        f"{entry},成功," for entry in roster.entries.values_list("id_number", flat=True)
    )
    started = time.perf_counter()
    roster = roster_results(user=approver, pk=roster.pk, upload=SimpleUploadedFile("a.csv", answer.encode()))
    steps["agency's answer (CSV)"] = time.perf_counter() - started
    print(f"roster {roster.number}: {roster.count:,} persons, {roster.total} yuan, {len(data):,} bytes of XLSX")
    for name, seconds in steps.items():
        print(f"  {name:<24} {seconds:6.2f} s")
    PremiumRoster.objects.filter(pk=roster.pk).delete()
    RollPeriod.objects.filter(valid_from=MARK).delete()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "benchmarks"))
    main()
