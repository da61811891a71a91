"""The pages and the printed table of benchmarks/scale_batches.py: p50/p95 through gunicorn, and
each figure with its target beside it."""

from __future__ import annotations

import time

SECONDS_TARGET, PAGE_TARGET_MS = 60.0, 100.0
ROLL_ROWS = 500_000


def timed_pages(paths: list[tuple[str, str, str]], runs: int, log) -> list[dict]:
    """(name, persona or "", path): p50/p95 through gunicorn. The public pages are rate-limited per
    client address, so gunicorn trusts one proxy here and each request names its own address."""
    import http.client
    import statistics

    from scale_measure import PORT, session_cookie

    results = []
    for name, persona, path in paths:
        headers = {"Accept-Language": "zh-hans"}
        if persona:
            headers["Cookie"] = session_cookie(persona)
        client = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        times, status, size = [], None, 0
        for index in range(runs + 3):
            headers["X-Forwarded-For"] = f"10.9.{index // 250}.{index % 250 + 1}"
            started = time.perf_counter()
            client.request("GET", path, headers=headers)
            response = client.getresponse()
            body = response.read()
            if index >= 3:
                times.append((time.perf_counter() - started) * 1000)
            status, size = response.status, len(body)
        client.close()
        times.sort()
        row = {
            "name": name,
            "path": path,
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[max(0, -(-95 * len(times) // 100) - 1)], 1),
            "status": status,
            "bytes": size,
            "target_ms": PAGE_TARGET_MS,
        }
        results.append(row)
        log(f"  page {name:<36} p50 {row['p50_ms']:>8} ms  p95 {row['p95_ms']:>8} ms  [{status}] {size:,} bytes")
    return results


def table_lines(result: dict) -> list[str]:
    """The figures with their targets beside them."""
    lines = [f"{'batch operation':<44}{'seconds':>9}{'RSS +MB':>9}  target"]

    def line(label, item, size=""):
        verdict = "ok" if item["seconds"] < SECONDS_TARGET else "MISSED"
        lines.append(f"{label + size:<44}{item['seconds']:>9}{item['rss_growth_mb']:>9}  < 60 s {verdict}")

    if payments := result.get("payments"):
        lines_count = f" ({payments['batch_create']['lines']:,} lines)"
        line("payment batch create", payments["batch_create"], lines_count)
        line("payment bank file (XLSX)", payments["bank_file"])
        line("payment results form (CSV)", payments["results_form_csv"])
        line("payment results import (CSV)", payments["results_import"])
    if claim := result.get("claim"):
        line("claim submit", claim["claim_submit"], f" ({claim['claim_submit']['settlements']:,} settlements)")
        if "claim_review" in claim:
            line("claim review (approve)", claim["claim_review"])
    if rolls := result.get("rolls"):
        line("roll import preview", rolls["preview"], f" ({ROLL_ROWS:,} rows)")
        line("roll import confirm", rolls["first"], f" ({ROLL_ROWS:,} rows)")
        line("roll import (again, unchanged)", rolls["again"])
    if disclosure := result.get("disclosure"):
        line("disclosure rows + CSV (in process)", disclosure, f" ({disclosure['rows']:,} rows)")
    for page in result.get("pages", []):
        verdict = "ok" if page["p95_ms"] < PAGE_TARGET_MS else "MISSED"
        lines.append(f"page {page['name']:<39}p50 {page['p50_ms']} ms, p95 {page['p95_ms']} ms  < 100 ms p95 {verdict}")
    return lines
