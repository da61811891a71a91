"""A PostgreSQL primary and its streaming replica, started for a test: `initdb`, then
`pg_basebackup -R` (the replica follows the primary over streaming replication), each on its own
free port under a temporary directory; stopped and removed afterwards. As root the servers run as
the `postgres` user, as PostgreSQL requires."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def postgres_binaries() -> Path | None:
    """The directory holding initdb, pg_ctl and pg_basebackup (Debian keeps them off the PATH)."""
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.access(Path(candidate) / "initdb", os.X_OK):
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class ReplicaCluster:
    base: Path
    bindir: Path
    primary_port: int
    replica_port: int

    def run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, text=True, timeout=180)

    def url(self, port: int, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    def start(self) -> None:
        primary, replica = self.base / "primary", self.base / "replica"
        self.run(str(self.bindir / "initdb"), "-D", str(primary), "-U", "postgres", "-A", "trust", "-E", "UTF8")
        with open(primary / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"port = {self.primary_port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{self.base}'\n"
                "wal_level = replica\nmax_wal_senders = 4\nfsync = off\nshared_buffers = 32MB\n"
            )
        self.run(str(self.bindir / "pg_ctl"), "-D", str(primary), "-l", str(self.base / "primary.log"), "-w", "start")
        self.run(
            str(self.bindir / "pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(self.primary_port), "-U", "postgres"),
            *("-D", str(replica), "-R", "-X", "stream"),
        )
        with open(replica / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
            conf.write(f"port = {self.replica_port}\n")
        self.run(str(self.bindir / "pg_ctl"), "-D", str(replica), "-l", str(self.base / "replica.log"), "-w", "start")

    def stop(self) -> None:
        for name in ("replica", "primary"):
            if (self.base / name / "postmaster.pid").exists():
                try:
                    self.run(str(self.bindir / "pg_ctl"), "-D", str(self.base / name), "-m", "immediate", "stop")
                except subprocess.CalledProcessError:
                    pass
        shutil.rmtree(self.base, ignore_errors=True)


def start_cluster() -> ReplicaCluster | None:
    bindir = postgres_binaries()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        return None
    base = Path(tempfile.mkdtemp(prefix="aidflow-replica-"))
    os.chmod(base, 0o755)
    if os.geteuid() == 0:
        shutil.chown(base, "postgres", "postgres")
    cluster = ReplicaCluster(base, bindir, free_port(), free_port())
    try:
        cluster.start()
    except Exception:
        cluster.stop()
        raise
    # The replica answers once it has replayed up to a consistent point.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        done = subprocess.run(
            [str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(cluster.replica_port)], capture_output=True
        )
        if done.returncode == 0:
            break
        time.sleep(0.5)
    return cluster
