"""scripts/run.sh checks the address before any set-up: a taken port stops it at once, saying in
Chinese and English which port is taken and how to choose another."""

import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_script(address: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    # A missing .venv must not matter: the check runs before setup.sh, with the system's python3.
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "run.sh"), address],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
    )
    return result, time.monotonic() - started


def test_a_taken_port_stops_run_sh_at_once_with_the_hint():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result, seconds = run_script(f"127.0.0.1:{port}")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert seconds < 10  # set-up, migrations and the demo data take 40 s: none of them ran
    message = result.stderr
    assert f"端口 {port}" in message and "已被其他程序占用" in message
    assert f"Port {port}" in message and "already in use" in message
    assert f"bash scripts/run.sh 127.0.0.1:{port + 1}" in message  # how to choose another
    # Nothing of the set-up was printed: no virtualenv, no requirements, no demo data.
    assert "Demo logins" not in result.stdout and "Installing" not in result.stdout + message


def test_an_unreadable_address_is_refused_before_the_set_up():
    result, seconds = run_script("127.0.0.1:http")
    assert result.returncode == 2 and seconds < 10
    assert "无法识别的地址" in result.stderr and "host:port" in result.stderr
