"""A real Celery worker on the machine's Redis renders an approval's notice; a worker killed in the
middle of a render leaves the notice pending until the catch-up renders it.

The worker is a separate process, so it needs the test's PostgreSQL database (SQLite's test
database lives in this process's memory) and Redis; elsewhere these tests skip and say why.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.db import connection

from aidflow.notices.models import Notice
from tests.factories import ApplicationFactory, advance

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
BROKER = f"redis://{REDIS_HOST}:{REDIS_PORT}/14"
# A queue of this test process's own: another run on the same Redis (a second checkout's tests) can
# neither take these tasks nor hand its own to this worker.
QUEUE = f"aidflow-test-{os.getpid()}"


def _redis_up() -> bool:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=1):
            return True
    except OSError:
        return False


class Worker:
    """`celery worker` in its own process, with its log collected line by line."""

    def __init__(self, settings):
        db = connection.settings_dict
        user = f"{db['USER']}:{db['PASSWORD']}@" if db.get("PASSWORD") else f"{db['USER']}@"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{user}{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": BROKER,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "DEBUG": "True",
            "SECRET_KEY": "worker-test-" + "x" * 50,
        }
        env.pop("AIDFLOW_TEST_TODAY", None)
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "aidflow",
                "worker",
                "--pool=solo",
                f"--queues={QUEUE}",
                "--loglevel=INFO",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for("ready", timeout=60)

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return
            if self.process.poll() is not None:
                raise AssertionError("the worker exited:\n" + "".join(self.lines))
            time.sleep(0.02)
        raise AssertionError(f"no {text!r} from the worker within {timeout} s:\n" + "".join(self.lines[-40:]))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def broker(settings):
    """This process queues to Redis instead of rendering inline."""
    if not _redis_up():
        pytest.skip(f"needs Redis at {REDIS_HOST}:{REDIS_PORT} for a real worker (CI has one)")
    from aidflow.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    previous = (app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = BROKER, False, QUEUE
    _fresh_producers(app)
    app.connection_for_write().default_channel.client.delete(QUEUE)
    yield app
    app.conf.broker_url, app.conf.task_always_eager, app.conf.task_default_queue = previous
    _fresh_producers(app)


def _fresh_producers(app) -> None:
    """Producers are pooled per app, each pool bound to the broker it was made for: one made
    earlier in the session (for the default broker URL) would send these tasks elsewhere."""
    app._pool = None  # dropped, not closed: kombu's pools are shared by every app of one broker URL
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


def wait_rendered(notice: Notice, timeout: float = 60) -> Notice:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notice.refresh_from_db()
        if notice.sha256:
            return notice
        time.sleep(0.2)
    raise AssertionError(f"notice {notice.number} was not rendered within {timeout} s")


def test_a_real_worker_renders_the_approval_notice(broker, settings, policy, clerk, reviewer, approver):
    worker = Worker(settings)
    try:
        application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
        notice = wait_rendered(Notice.objects.get(application=application))
        assert notice.pdf.read().startswith(b"%PDF-")
        assert any("aidflow.render_notice" in line and "succeeded" in line for line in worker.lines)
    finally:
        worker.stop()


def test_a_worker_killed_mid_render_is_caught_up(broker, settings, policy, clerk, reviewer, approver):
    from aidflow.notices.tasks import render_pending_notices

    worker = Worker(settings)
    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    notice = Notice.objects.get(application=application)
    try:
        worker.wait_for("Task aidflow.render_notice", timeout=60)
        # Freeze it the moment it has taken the task, check the render has not finished, kill it.
        os.kill(worker.process.pid, signal.SIGSTOP)
        notice.refresh_from_db()
        if notice.sha256:
            pytest.skip("the render finished before the worker could be stopped; nothing to catch up")
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)
    finally:
        worker.stop()
    notice.refresh_from_db()
    assert notice.sha256 == ""  # the killed worker left no PDF
    second = Worker(settings)
    try:
        render_pending_notices.apply_async(kwargs={"older_than_seconds": 0})
        notice = wait_rendered(notice)
        assert notice.pdf.read().startswith(b"%PDF-")
        assert any("aidflow.render_pending_notices" in line for line in second.lines)
    finally:
        second.stop()
