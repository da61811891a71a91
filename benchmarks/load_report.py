"""The figures of benchmarks/load_test.py: per kind of request the count, p50/p95 ms and status
counts; totals, throughput, 5xx and unexpected 4xx; the machine and its load average."""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path


def machine() -> dict:
    load = os.getloadavg()
    return {"load_1m": round(load[0], 2), "load_5m": round(load[1], 2), "load_15m": round(load[2], 2)}


def percentile(times: list[float], share: int) -> float:
    ordered = sorted(times)
    return round(ordered[max(0, -(-share * len(ordered) // 100) - 1)], 1)


def figures(tally, elapsed, actions, args, before, after, failures, env, server_log: Path) -> dict:
    from django.db import connection

    kinds = []
    for kind in sorted(tally.times):
        times, statuses = tally.times[kind], tally.statuses[kind]
        kinds.append(
            {
                "kind": kind,
                "count": len(times),
                "p50_ms": percentile(times, 50),
                "p95_ms": percentile(times, 95),
                "statuses": {str(code): count for code, count in sorted(statuses.items())},
                "unexpected": sum(tally.unexpected[kind].values()) if kind in tally.unexpected else 0,
            }
        )
    total = sum(row["count"] for row in kinds)
    fives = sum(n for row in kinds for code, n in row["statuses"].items() if int(code) >= 500)
    unexpected = [(code, n) for kind in tally.unexpected for code, n in tally.unexpected[kind].items()]
    unexpected_4xx = sum(n for code, n in unexpected if 400 <= code < 500)
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        postgres = cursor.fetchone()[0].split(" on ")[0] if connection.vendor == "postgresql" else connection.vendor
    log_text = server_log.read_text(encoding="utf-8", errors="replace") if server_log.exists() else ""
    return {
        "machine": {
            "host": platform.node(),
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "database": postgres,
            "load_before": before,
            "load_after": after,
        },
        "server": {
            "workers": args.workers,
            "threads": args.threads,
            "celery": "eager (no broker: tasks run in the request)",
            "cache": env.get("CACHE_URL", "per-process memory"),
        },
        "users": args.users,
        "seconds": round(elapsed, 1),
        "actions": actions,
        "requests": total,
        "per_second": round(total / elapsed, 1) if elapsed else 0,
        "server_errors": fives,
        "unexpected_4xx": unexpected_4xx,
        "unexpected_other": sum(n for code, n in unexpected if code < 400),
        "kinds": kinds,
        "examples": tally.examples,
        "sign_in_failures": failures,
        "server_log_errors": [line for line in log_text.splitlines() if re.search(r"ERROR|Traceback|Error:", line)][
            -20:
        ],
    }


def server_errors(result: dict) -> int:
    return result["server_errors"]


def print_report(result: dict) -> None:
    print(f"{'kind of request':<36}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}  statuses")
    for row in result["kinds"]:
        statuses = " ".join(f"{code}x{count}" for code, count in row["statuses"].items())
        flag = f"  ({row['unexpected']} unexpected)" if row["unexpected"] else ""
        print(f"{row['kind']:<36}{row['count']:>7}{row['p50_ms']:>9}{row['p95_ms']:>9}  {statuses}{flag}")
    m, s = result["machine"], result["server"]
    print(
        f"{result['users']} users, {result['seconds']} s, {result['actions']} actions, {result['requests']} requests, "
        f"{result['per_second']} requests/s"
    )
    print(f"5xx (and no answer): {result['server_errors']}; unexpected 4xx: {result['unexpected_4xx']}")
    print(
        f"machine {m['host']}: {m['cores']} cores, {m['database']}, Python {m['python']}; load average "
        f"before {m['load_before']['load_1m']}/{m['load_before']['load_5m']}/{m['load_before']['load_15m']}, "
        f"after {m['load_after']['load_1m']}/{m['load_after']['load_5m']}/{m['load_after']['load_15m']}"
    )
    print(
        f"gunicorn {s['workers']} workers x {s['threads']} threads (gthread); Celery {s['celery']}; cache {s['cache']}"
    )
    for line in result["sign_in_failures"]:
        print(f"sign-in failed: {line}")
    for line in result["examples"]:
        print(f"unexpected: {line[:400]}")
    for line in result["server_log_errors"]:
        print(f"server log: {line[:300]}")
