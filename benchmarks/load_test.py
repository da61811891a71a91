"""Benchmark: a county office's busy day on the real server (docs/PERFORMANCE.md, "Load test").

    .venv/bin/python benchmarks/load_test.py [--users 50] [--seconds 120] [--workers 3] [--threads 4]
        [--database-url postgres://...] [--fresh] [--think 1.0] [--json FILE]

Sets up (or takes, with --database-url) a PostgreSQL database: migrations, `seed_demo`, then staff for
50 people through `create_staff` (clerks of 24 villages in 4 townships of 陵城区 and 平原县, two
reviewers per township, two approvers and one finance officer per county, county and city auditors,
the two counties' hospital windows) and open cases at the township and county stages filed and
passed on through the services. Starts gunicorn with aidflow/gunicorn.py (gthread workers) on a
free port of 127.0.0.1 with DEBUG=False and the production security settings (axes lockout, the
two-factor step for approvers and finance, the sign-in throttle on a shared Redis cache when
127.0.0.1:6379 answers); only the TLS redirect is off, as on a loopback server behind the proxy.
Celery runs eagerly (no broker): a notice's PDF is rendered in the approval's request.

Every person signs in as a real one does: the web form (and the authenticator step: enrolment the
first time, by the key the page shows), or an API token (with the authenticator's code where the role
has a second step). Then each does mixed work for --seconds (benchmarks/load_users.py): filing with
uploaded PDFs, village checks, township reviews, county approvals, notice PDFs, deliveries, audit
searches and case files (the audit pages seal waiting reads while reviews append to the chain),
lists, statistics, payments, window settlements and slips. Prints per kind of request the count,
p50/p95 ms and status counts; the totals, throughput, 5xx and unexpected 4xx; the machine (cores,
load average). Exits 1 if any answer was a 5xx (or no answer at all).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/aidflow_load"
PASSWORD = "Load-test-aid-2026!"
WORK = Path(tempfile.gettempdir()) / "aidflow-load"
TOWNSHIPS = ("371403105", "371403102", "371426102", "371426104")
COUNTIES = ("371403", "371426")
SHORT = {
    "village_clerk": "clerk",
    "township_reviewer": "reviewer",
    "county_approver": "approver",
    "county_finance": "finance",
    "auditor": "auditor",
    "hospital_clerk": "window",
}
HOSPITAL_OF = {"371403": "DEMO-371403-001", "371426": "DEMO-371426-001"}  # the window's county hospital


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated people at once (default 50)")
    parser.add_argument("--seconds", type=float, default=120.0, help="how long they work (default 120)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--think", type=float, default=1.0, help="longest pause between actions, s (default 1)")
    parser.add_argument("--database-url", default="", help=f"a PostgreSQL database to use (default {DEFAULT_DATABASE})")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the default database first")
    parser.add_argument("--json", default="", help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.users < 1 or args.seconds <= 0 or args.workers < 1 or args.threads < 1:
        parser.error("--users, --seconds, --workers and --threads must be positive")
    if args.fresh and args.database_url:
        parser.error("--fresh drops only the default database, not one given by --database-url")
    return args


def environment(database_url: str) -> dict:
    """The server's environment: production settings, bar the TLS redirect on the loopback."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "load-test-only-" + "k" * 50,
        "SECURE_SSL_REDIRECT": "False",
        "ALLOWED_HOSTS": "127.0.0.1",
        "AIDFLOW_IGNORE_DOTENV": "1",
        "STATIC_ROOT": str(WORK / "static"),
        "MEDIA_ROOT": str(WORK / "media"),
        "LOG_LEVEL": "WARNING",
    }
    for name in ("CELERY_BROKER_URL", "AIDFLOW_REQUIRE_2FA", "AXES_FAILURE_LIMIT", "API_LOGIN_RATE"):
        env.pop(name, None)
    if _answers("127.0.0.1", 6379):
        env["CACHE_URL"] = "redis://127.0.0.1:6379/11"
    else:
        env.pop("CACHE_URL", None)
    return env


def _answers(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def database_setup(database_url: str, fresh: bool) -> None:
    import psycopg2

    name = database_url.rsplit("/", 1)[1]
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def personas(count: int) -> list:
    """The office: 24 clerks, 8 reviewers, 4 approvers, 2 finance, 10 auditors, 2 hospital windows,
    interleaved so that the first `count` are a mix; every third writer signs in for an API token."""
    from django.db.models.functions import Length
    from load_users import Persona

    from aidflow.regions.models import Region

    by_role: dict[str, list] = {}
    for township in TOWNSHIPS:
        villages = Region.objects.filter(code__startswith=township).annotate(n=Length("code")).filter(n=12)
        for village in villages.order_by("code")[:6]:
            by_role.setdefault("village_clerk", []).append(("village_clerk", village.code))
        by_role.setdefault("township_reviewer", []).extend([("township_reviewer", township)] * 2)
    for county in COUNTIES:
        by_role.setdefault("county_approver", []).extend([("county_approver", county)] * 2)
        by_role.setdefault("county_finance", []).append(("county_finance", county))
        by_role.setdefault("auditor", []).extend([("auditor", county)] * 3)
        by_role.setdefault("hospital_clerk", []).append(("hospital_clerk", county))
    by_role["auditor"].extend([("auditor", "3714")] * 4)
    people = []
    for role, members in by_role.items():
        for index, (_role, region) in enumerate(members):
            api = role in ("village_clerk", "township_reviewer", "county_approver", "hospital_clerk") and index % 3 == 0
            username = f"load_{SHORT[role]}_{index + 1:02d}"
            people.append((index / len(members), Persona(username, role, region, api)))
    people.sort(key=lambda item: (item[0], item[1].role))
    office = [persona for _order, persona in people]
    return [office[index % len(office)] for index in range(count)] if count > len(office) else office[:count]


def staff_setup(people: list) -> None:
    """The people's accounts through `create_staff`, as an administrator adds them."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    have = set(get_user_model().objects.filter(username__startswith="load_").values_list("username", flat=True))
    for persona in people:
        if persona.username in have and persona.role != "hospital_clerk":
            continue
        # A hospital's window clerk works for the hospital, not a region.
        if persona.role == "hospital_clerk":
            where = ["--hospital", HOSPITAL_OF[persona.region]]
        else:
            where = ["--region", persona.region]
        call_command(
            "create_staff", "--username", persona.username, "--password", PASSWORD, "--role", persona.role,
            "--name", f"测试{persona.username[-2:]}", *where, stdout=open(os.devnull, "w"),
        )  # fmt: skip


def roll_setup() -> None:
    """Key recipients for the windows to settle, through `import_recipients` (idempotent)."""
    from django.core.management import call_command
    from load_users import roll_patients

    lines = ["id_number,name,category,region,valid_from,valid_to"]
    for county in COUNTIES:
        lines += [f"{number},{name},dibao,{village},2020-01-01," for number, name, village in roll_patients(county)]
    path = WORK / "recipients-load.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    call_command("import_recipients", str(path), stdout=open(os.devnull, "w"))


def open_cases(people: list, per_township: int = 6, per_county: int = 8) -> None:
    """Cases waiting at the township and the county when the day starts, filed with their scanned
    PDFs and passed on through the services (as the clerks and reviewers did yesterday)."""
    import random

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone
    from load_users import DOCUMENT_KINDS, filing_body

    from aidflow.cases.demo import DEMO_PDF
    from aidflow.cases.models import Application
    from aidflow.cases.selectors import open_task
    from aidflow.cases.services.documents import UploadedDocument
    from aidflow.cases.services.filing import application_file
    from aidflow.cases.services.tasks import task_complete

    users = {user.username: user for user in get_user_model().objects.filter(username__startswith="load_")}
    rng = random.Random()  # noqa: S311 - synthetic data
    today = timezone.localdate().isoformat()
    clerks = [p for p in people if p.role == "village_clerk"]
    for township in TOWNSHIPS:
        reviewer = next((p for p in people if p.role == "township_reviewer" and p.region == township), None)
        mine = [p for p in clerks if p.region.startswith(township)]
        if reviewer is None or not mine:
            continue
        for stage, wanted in (("township_review", per_township), ("county_approval", per_county // 2)):
            have = Application.objects.filter(village__code__startswith=township, stage=stage).count()
            for index in range(max(0, wanted - have)):
                clerk = users[mine[index % len(mine)].username]
                documents = [
                    UploadedDocument(kind, SimpleUploadedFile("scan.pdf", DEMO_PDF)) for kind in DOCUMENT_KINDS
                ]
                body = filing_body(rng, clerk.staff.region.code)
                application = application_file(user=clerk, data=body, documents=documents)
                steps = [(clerk, {"decision": "forward", "findings": "材料齐全", "missing": []})]
                if stage == "county_approval":
                    steps.append(
                        (users[reviewer.username], {"decision": "forward", "visit_date": today, "findings": "属实"})
                    )
                for user, payload in steps:
                    application = task_complete(user=user, task_id=open_task(application).pk, payload=payload)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_start(env: dict, port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    metrics = Path(tempfile.mkdtemp(prefix="aidflow-load-metrics-"))
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "aidflow.wsgi", "--config", "python:aidflow.gunicorn",
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--timeout", "60", "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env={**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    for _attempt in range(150):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start-up: see {log}")
        if _answers("127.0.0.1", port):
            return process
        time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def secrets_of_enrolled() -> dict:
    """The authenticator keys of people enrolled on an earlier run (their phones, in real life)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aidflow.accounts.twofactor import secret_of

    devices = TOTPDevice.objects.filter(user__username__startswith="load_", confirmed=True).select_related("user")
    return {device.user.username: secret_of(device) for device in devices}


def run_users(people: list, port: int, seconds: float, think: float, shared) -> tuple:
    from load_client import Client, Tally
    from load_users import user_loop

    tally, failures, actions = Tally(), [], []
    run_seed = time.time_ns()  # new people and stays each run: a stay is claimed once
    started = time.monotonic()
    until = started + seconds + min(10.0, seconds / 6)  # the sign-ins are spread over the first 10 s

    def person(index, persona):
        time.sleep(index * min(10.0, seconds / 6) / max(len(people), 1))
        client = Client(port, tally)
        try:
            # The web screens first (enrolling in the authenticator the first time), then, for those who
            # also work through the API, a token: with the authenticator's next code where the role
            # has a second step (django-otp takes each code once).
            client.sign_in_web(persona.username, PASSWORD, lambda name: secrets_of_enrolled()[name])
            if persona.api:
                second = persona.role in ("county_approver", "county_finance")
                if second:
                    time.sleep(30 - time.time() % 30 + 1)
                secret = secrets_of_enrolled()[persona.username] if second else None
                client.sign_in_api(persona.username, PASSWORD, secret)
            actions.append(user_loop(client, persona, shared, until, seed=run_seed + index, think=think))
        except Exception as error:  # a sign-in that failed: reported, the others go on
            failures.append(f"{persona.username}: {error!r}")

    threads = [threading.Thread(target=person, args=item, daemon=True) for item in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 400)
    return tally, failures, sum(actions), time.monotonic() - started


def shared_state():
    from django.utils import timezone
    from load_users import Shared, roll_patients

    from aidflow.cases.demo import DEMO_PDF
    from aidflow.cases.models import Application

    shared = Shared(pdf=DEMO_PDF, today=timezone.localdate().isoformat())
    shared.roll = {county: roll_patients(county) for county in COUNTIES}
    for pk, village in Application.objects.values_list("pk", "village__code").order_by("-pk")[:2000]:
        shared.filed(village, pk)
    return shared


def main(argv=None) -> int:
    args = arguments(argv)
    from load_report import figures, machine, print_report, server_errors

    database_url = args.database_url or DEFAULT_DATABASE
    env = environment(database_url)
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "AIDFLOW_IGNORE_DOTENV")})
    os.environ.update({key: env[key] for key in ("STATIC_ROOT", "MEDIA_ROOT", "ALLOWED_HOSTS")})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aidflow.settings")
    WORK.mkdir(parents=True, exist_ok=True)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    if database_url.startswith("postgres"):
        database_setup(database_url, args.fresh)
    import django

    django.setup()
    from django.core.management import call_command

    from aidflow.regions.models import Region

    step = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Region.objects.filter(code=TOWNSHIPS[0]).exists():
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    log(f"database ready ({time.monotonic() - step:.0f} s)")
    people = personas(args.users)
    staff_setup(people)
    open_cases(people)
    roll_setup()
    log(f"staff and open cases ready ({time.monotonic() - step:.0f} s)")
    if not (WORK / "static" / "staticfiles.json").exists():  # the hashed names' manifest, DEBUG off
        call_command("collectstatic", "--noinput", verbosity=0)
    log(f"static files ready ({time.monotonic() - step:.0f} s)")
    port = free_port()
    server_log = WORK / "server.log"
    before = machine()
    server = server_start(env, port, args.workers, args.threads, server_log)
    log(f"gunicorn on 127.0.0.1:{port} ({args.workers} workers x {args.threads} threads); {len(people)} users ...")
    from django.db import connections

    shared = shared_state()
    connections.close_all()
    try:
        tally, failures, actions, elapsed = run_users(people, port, args.seconds, args.think, shared)
    finally:
        after = machine()
        server.terminate()
        server.wait()
    result = figures(tally, elapsed, actions, args, before, after, failures, env, server_log)
    print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if server_errors(result) or failures else 0


if __name__ == "__main__":
    print(f"AidFlow load test on {platform.node()}", file=sys.stderr)
    sys.exit(main())
