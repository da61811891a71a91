"""Benchmark: how long one decision notice takes to render to PDF (target: median of at most 120 ms).

    .venv/bin/python benchmarks/notice_render.py [ROUNDS]

Builds a throwaway SQLite database with the demo data (which issues approval, rejection and
supplement notices), then renders each notice ROUNDS times and prints the median and 90th
percentile per kind, and the median CPU time of this process, which other work on the machine
disturbs less than the clock. Prints figures only; it asserts nothing.
"""

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    workdir = tempfile.mkdtemp(prefix="aidflow-bench-")
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "aidflow.settings",
            "DATABASE_URL": f"sqlite:///{workdir}/bench.sqlite3",
            "MEDIA_ROOT": f"{workdir}/media",
            "DEBUG": "True",
            "SECRET_KEY": "benchmark-only-" + "x" * 50,
        }
    )
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    from aidflow.notices.models import Notice
    from aidflow.notices.rendering import render_pdf

    notices = list(Notice.objects.all())
    if not notices:
        print("no notices in the demo data")
        return
    render_pdf(notices[0])  # warm-up: fonts and templates load once per process
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for notice in notices:
        for _round in range(rounds):
            start, start_cpu = time.perf_counter(), time.process_time()
            data = render_pdf(notice)
            timings.setdefault(notice.kind, []).append((time.perf_counter() - start) * 1000)
            cpu.setdefault(notice.kind, []).append((time.process_time() - start_cpu) * 1000)
        size = len(data)
    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"notices: {len(notices)}, rounds each: {rounds}, last PDF size: {size} bytes")
    everything, everything_cpu = [], []
    for kind, values in sorted(timings.items()):
        everything += values
        everything_cpu += cpu[kind]
        ordered = sorted(values)
        p90 = ordered[max(0, -(-9 * len(ordered) // 10) - 1)]
        print(
            f"{kind:<14} n={len(values):>4}  median {statistics.median(values):7.1f} ms   p90 {p90:7.1f} ms"
            f"   cpu median {statistics.median(cpu[kind]):7.1f} ms"
        )
    print(
        f"{'all':<14} n={len(everything):>4}  median {statistics.median(everything):7.1f} ms"
        f"   cpu median {statistics.median(everything_cpu):7.1f} ms   (target: <= 120 ms)"
    )


if __name__ == "__main__":
    main()
