"""Batch work at size for benchmarks/scale.py (`--only batches`, docs/PERFORMANCE.md).

Sets up by bulk SQL what each operation needs, then runs the real services and pages:
  - a payment batch of `PAYMENT_LINES` lines: copies of the approved demo application, unpaid, with a
    payee account, in 陵城区 (371403): batch_create, the bank file, the results form (CSV) filled
    in as paid and read back through results_import, and the batch page;
  - a claim of `CLAIM_SETTLEMENTS` settlements: copies of a demo settlement of the demo hospital,
    settled and unclaimed, paid by 平原县 (371426), discharged last month: claim_submit, the review
    screen (first page) and claim_review (approve);
  - a roll import of `ROLL_ROWS` rows: a generated CSV in the import's format, previewed and
    confirmed through the import service (the screens' and API's), then again through
    `manage.py import_recipients`;
  - the public disclosure page and its CSV for 陵城区's last month (at a million applications on
    the loaded database).
Each operation prints seconds and the peak growth of the resident set size (RSS) of the process doing
it, sampled every 20 ms (the service runs in this process; a page runs in gunicorn, so for pages the
figure is p50/p95 over warm requests). The set-up deletes the copies of an earlier run first, so a
re-run measures the same work.
"""

from __future__ import annotations

import csv
import datetime
import gc
import io
import os
import threading
import time
from pathlib import Path

from django.db import connection, transaction
from scale_batches_pages import ROLL_ROWS, SECONDS_TARGET

PAYMENT_LINES = 100_000
CLAIM_SETTLEMENTS = 50_000
PAY_COUNTY, CLAIM_COUNTY = "371403", "371426"
APP_PREFIX = f"{PAY_COUNTY}-1999-"  # numbers no county issues (a year long gone)
SETTLEMENT_PREFIX = "BC-"
ROLL_MARK = datetime.date(2001, 2, 3)  # valid_from of every generated roll period


class Peak:
    """The peak RSS growth of this process while the block runs, sampled by a thread."""

    def __enter__(self):
        gc.collect()
        self.start = self.peak = self._rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        self.started = time.perf_counter()
        return self

    @staticmethod
    def _rss() -> int:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self._rss())

    def __exit__(self, *exc):
        self.seconds = round(time.perf_counter() - self.started, 2)
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._rss())
        self.mb = round((self.peak - self.start) / 2**20, 1)
        return False

    def figures(self, **extra) -> dict:
        return {"seconds": self.seconds, "rss_growth_mb": self.mb, "target_s": SECONDS_TARGET, **extra}


def _sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _copy(table: str, template: int, count: int, special: dict[str, str], params: dict) -> None:
    """`count` copies of row `template` of `table` in one INSERT ... SELECT over generate_series."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_name <> 'id' "
            "ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        expressions = [special.get(column, f"t.{column}") for column in columns]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(expressions)} "  # noqa: S608
            f"FROM {table} t CROSS JOIN generate_series(1, %(count)s) g WHERE t.id = %(template)s",
            {**params, "count": count, "template": template},
        )


def _villages(county: str) -> list[str]:
    from aidflow.regions.models import Level, Region

    return list(Region.objects.filter(level=Level.VILLAGE, code__startswith=county).values_list("code", flat=True))


# --- payments -----------------------------------------------------------------------------------


def payment_setup(n: int) -> None:
    from scale_load import GIVEN, SURNAMES

    from aidflow.cases.models import Application

    with transaction.atomic():
        _sql(
            "DELETE FROM payments_paymentline WHERE application_id IN "
            "(SELECT id FROM cases_application WHERE number LIKE %s)",
            [APP_PREFIX + "%"],
        )
        _sql(
            "DELETE FROM payments_paymentbatch b WHERE NOT EXISTS (SELECT 1 FROM payments_paymentline l "
            "WHERE l.batch_id = b.id)"
        )
        _sql("DELETE FROM cases_application WHERE number LIKE %s", [APP_PREFIX + "%"])
        template = Application.objects.filter(status="approved", amount__gt=0).exclude(payee_account="")
        template = template.filter(number__regex=r"^[0-9]{6}-[0-9]{4}-0000[0-9]$").order_by("pk").first()
        villages = _villages(PAY_COUNTY)
        _copy(
            "cases_application",
            template.pk,
            n,
            {
                "number": f"'{APP_PREFIX}' || lpad(g::text, 6, '0')",
                "applicant_name": "(string_to_array(%(surnames)s, NULL))[1 + g %% %(s)s]"
                " || (string_to_array(%(given)s, NULL))[1 + (g / 7) %% %(g)s]",
                "payee_name": "(string_to_array(%(surnames)s, NULL))[1 + g %% %(s)s] || '某'",
                "payee_account": "'6222' || lpad(g::text, 15, '0')",
                "village_id": "(%(villages)s::text[])[1 + (g * 7919) %% %(v)s]",
                "process_id": "NULL",
                "payment_status": "'unpaid'",
                "payment_batch": "''",
                "paid_on": "NULL",
                "amount": "t.amount + (g %% 500)",
            },
            {
                "surnames": SURNAMES,
                "given": GIVEN,
                "s": len(SURNAMES),
                "g": len(GIVEN),
                "villages": villages,
                "v": len(villages),
            },
        )
    _sql("ANALYZE cases_application")


def payment_figures(n: int, log) -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from aidflow.payments.services.approval import batch_approve
    from aidflow.payments.services.batching import batch_create
    from aidflow.payments.services.exports import bank_file
    from aidflow.payments.services.results import results_import
    from aidflow.payments.services.results_template import results_template_csv

    log(f"payments: {n:,} payable applications ...")
    payment_setup(n)
    finance = get_user_model().objects.get(username="finance_lingcheng")
    figures = {}
    with Peak() as peak:
        batch = batch_create(user=finance, data={"county": PAY_COUNTY})
    figures["batch_create"] = peak.figures(lines=batch.count)
    log(f"  batch_create {batch.count:,} lines: {peak.seconds} s, +{peak.mb} MB")
    if batch.status == "prepared":  # the second signature, by the county's other finance officer
        batch = batch_approve(user=get_user_model().objects.get(username="finance2_lingcheng"), batch=batch)
    with Peak() as peak:
        content = bank_file(user=finance, batch=batch)
    figures["bank_file"] = peak.figures(bytes=len(content))
    log(f"  bank file: {peak.seconds} s, +{peak.mb} MB, {len(content):,} bytes")
    with Peak() as peak:
        form = results_template_csv(user=finance, batch=batch)
    figures["results_form_csv"] = peak.figures(bytes=len(form))
    today = datetime.date.today().isoformat()
    rows = list(csv.reader(io.StringIO(form.decode("utf-8-sig"))))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([row[0], "成功", today, "", *row[4:]])
    upload = buffer.getvalue().encode("utf-8")
    del rows, buffer, form
    with Peak() as peak:
        batch = results_import(
            user=finance, batch=batch, upload=SimpleUploadedFile("results.csv", upload, content_type="text/csv")
        )
    figures["results_import"] = peak.figures(bytes=len(upload), status=batch.status)
    log(f"  results back ({len(upload):,} bytes): {peak.seconds} s, +{peak.mb} MB, batch {batch.status}")
    figures["batch_pk"] = batch.pk
    return figures


# --- settlement claim ---------------------------------------------------------------------------


def claim_setup(n: int) -> str:
    """n settled, unclaimed settlements of the demo hospital for CLAIM_COUNTY discharged last month;
    returns the month."""
    from aidflow.settlements.models import Settlement

    last_month_end = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    with transaction.atomic():
        _sql(
            "CREATE TEMP TABLE IF NOT EXISTS bench_claims AS SELECT DISTINCT claim_id AS id "
            "FROM settlements_settlement WHERE number LIKE %s AND claim_id IS NOT NULL",
            [SETTLEMENT_PREFIX + "%"],
        )
        _sql("DELETE FROM settlements_settlement WHERE number LIKE %s", [SETTLEMENT_PREFIX + "%"])
        _sql(
            "DELETE FROM settlements_settlementclaim c WHERE c.id IN (SELECT id FROM bench_claims) AND NOT EXISTS "
            "(SELECT 1 FROM settlements_settlement s WHERE s.claim_id = c.id)"
        )
        _sql("DROP TABLE bench_claims")
        template = Settlement.objects.exclude(number__startswith=SETTLEMENT_PREFIX).order_by("pk").first()
        villages = _villages(CLAIM_COUNTY)
        _copy(
            "settlements_settlement",
            template.pk,
            n,
            {
                "number": f"'{SETTLEMENT_PREFIX}' || lpad(g::text, 8, '0')",
                "status": "'settled'",
                "claim_id": "NULL",
                "stay_claim_id": "NULL",
                "region": "(%(villages)s::text[])[1 + (g * 7919) %% %(v)s]",
                "county": f"'{CLAIM_COUNTY}'",
                "discharge_date": "%(last)s::date - (g %% 28)",
                "admission_date": "%(last)s::date - (g %% 28) - 7",
                "settled_at": "(%(last)s::date - (g %% 28))::timestamptz + interval '10 hours'",
                "medical_year": "extract(year FROM %(last)s::date)::int",
            },
            {"villages": villages, "v": len(villages), "last": last_month_end},
        )
    _sql("ANALYZE settlements_settlement")
    return f"{last_month_end:%Y-%m}"


def claim_figures(n: int, log) -> dict:
    from django.contrib.auth import get_user_model

    from aidflow.settlements.services.claiming import claim_submit

    log(f"claim: {n:,} settlements ...")
    month = claim_setup(n)
    users = get_user_model().objects
    figures = {}
    with Peak() as peak:
        claim = claim_submit(
            user=users.get(username="hospital_lingcheng"), data={"month": month, "county": CLAIM_COUNTY}
        )
    figures["claim_submit"] = peak.figures(settlements=claim.count)
    log(f"  claim_submit {claim.count:,} settlements: {peak.seconds} s, +{peak.mb} MB")
    figures["claim_pk"] = claim.pk
    return figures


def claim_approve(claim_pk: int, log) -> dict:
    from django.contrib.auth import get_user_model

    from aidflow.settlements.models import SettlementClaim
    from aidflow.settlements.services.claiming import claim_review

    approver = get_user_model().objects.get(username="approver_pingyuan")
    claim = SettlementClaim.objects.get(pk=claim_pk)
    with Peak() as peak:
        claim = claim_review(user=approver, claim=claim, data={"decision": "approve"})
    log(f"  claim_review approve: {peak.seconds} s, +{peak.mb} MB ({claim.status})")
    return peak.figures(status=claim.status)


# --- roll import --------------------------------------------------------------------------------


def resident_id(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return body + "10X98765432"[total % 11]


# --- pages --------------------------------------------------------------------------------------


def run(runs: int, log, parts=("payments", "claim", "rolls", "disclosure")) -> dict:
    """Every operation of the batch work; the pages once gunicorn serves the set-up's rows."""
    import subprocess
    import sys

    from scale_batches_pages import timed_pages
    from scale_measure import gunicorn_start

    result: dict = {}
    if "payments" in parts:
        result["payments"] = payment_figures(PAYMENT_LINES, log)
    if "claim" in parts:
        result["claim"] = claim_figures(CLAIM_SETTLEMENTS, log)
    if "rolls" in parts:
        from scale_rolls import roll_figures

        result["rolls"] = roll_figures(ROLL_ROWS, log)
    month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    paths = []
    if "payments" in parts:
        paths.append(
            (
                "payment batch (first page)",
                "finance_lingcheng",
                f"/workbench/payments/batches/{result['payments']['batch_pk']}/",
            )
        )
    if "claim" in parts:
        paths.append(
            ("claim review (first page)", "approver_pingyuan", f"/workbench/claims/{result['claim']['claim_pk']}/")
        )
    if "disclosure" in parts:
        paths += [
            ("disclosure page", "", f"/public/disclosure/{PAY_COUNTY}/{month}/"),
            ("disclosure CSV", "", f"/public/disclosure/{PAY_COUNTY}/{month}/?format=csv"),
        ]
    if paths:
        manage = [
            sys.executable,
            str(Path(__file__).resolve().parent.parent / "manage.py"),
            "collectstatic",
            "--noinput",
            "-v0",
        ]
        manifest = Path(os.environ["STATIC_ROOT"]) / "staticfiles.json"
        if not manifest.exists():  # collected before (by the pages part): not again
            subprocess.run(manage, check=True, env={**os.environ, "DEBUG": "False"})  # noqa: S603
        # What autovacuum does within a minute of a batch this size: the pages then read the new
        # rows by their indexes (index-only counts, the claim's order) instead of the heap.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE settlements_settlement, payments_paymentline, cases_application")
        os.environ["TRUSTED_PROXIES"] = "1"
        server = gunicorn_start()
        try:
            result["pages"] = timed_pages(paths, runs, log)
        finally:
            server.terminate()
            server.wait()
            os.environ.pop("TRUSTED_PROXIES")
    if "claim" in parts:
        result["claim"]["claim_review"] = claim_approve(result["claim"]["claim_pk"], log)
    if "disclosure" in parts:
        from aidflow.reports.disclosure import disclosure_csv, disclosure_rows

        year, number = (int(part) for part in month.split("-"))
        with Peak() as peak:
            rows = disclosure_rows(county=PAY_COUNTY, year=year, month=number)
            text = disclosure_csv(rows)
        result["disclosure"] = peak.figures(rows=len(rows), bytes=len(text.encode("utf-8")), month=month)
        log(f"  disclosure rows + CSV in process: {len(rows):,} rows, {peak.seconds} s, +{peak.mb} MB")
    return result
