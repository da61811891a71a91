"""The read replica for real: a second PostgreSQL cluster, the streaming replica of a third started
with `pg_basebackup -R` (tests/ops/replica_cluster.py), and AidFlow run against the pair in its own
process (tests/ops/replica_drill.py, which says each step it proves)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops.replica_cluster import start_cluster

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.postgres
def test_report_reads_go_to_a_streaming_replica_and_come_back_to_the_primary(tmp_path):
    cluster = start_cluster()
    if cluster is None:
        pytest.skip("needs PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup)")
    try:
        cluster.run(str(cluster.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.primary_port), "aidflow")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "aidflow.settings",
            "DATABASE_URL": cluster.url(cluster.primary_port, "aidflow"),
            "DATABASE_REPLICA_URL": cluster.url(cluster.replica_port, "aidflow"),
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        done = subprocess.run(
            [sys.executable, "tests/ops/replica_drill.py"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        cluster.stop()
    print(done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "replica drill: ok" in done.stdout
