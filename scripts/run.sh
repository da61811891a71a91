#!/usr/bin/env bash
# Run AidFlow on this machine: set-up, the embedded SQLite database, demo data, and a server on
# http://127.0.0.1:8000 (or the address given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
address=${1:-127.0.0.1:8000}

# Before any set-up: is the address free? (The system's python3: .venv may not exist yet.) A taken
# port would otherwise fail only after the install, the migrations and the demo data.
"${PYTHON:-python3}" - "$address" <<'PY'
import errno, socket, sys

address = sys.argv[1]
host, _, port = address.rpartition(":")
host = host.strip("[]") or "127.0.0.1"
example = "bash scripts/run.sh 127.0.0.1:8001"
if not port.isdigit() or not 0 < int(port) < 65536:
    print(f"无法识别的地址 {address}：请写成 地址:端口，例如 {example}", file=sys.stderr)
    print(f"Cannot read the address {address}: write it as host:port, e.g. {example}", file=sys.stderr)
    sys.exit(2)
try:
    family, kind, proto, _name, target = socket.getaddrinfo(host, int(port), type=socket.SOCK_STREAM)[0]
    with socket.socket(family, kind, proto) as probe:
        # As the server will bind: a port left in TIME_WAIT by a stopped server counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(target)
except OSError as error:
    taken = error.errno == errno.EADDRINUSE
    why_zh = "已被其他程序占用" if taken else f"无法使用（{error.strerror}）"
    why_en = "is already in use by another program" if taken else f"cannot be used ({error.strerror})"
    other = f"{host}:{int(port) + 1 if int(port) < 65535 else 8001}"
    print(f"端口 {port}（{address}）{why_zh}，AidFlow 未启动，也未做任何设置。", file=sys.stderr)
    print(f"请先停止占用该端口的程序，或换一个端口，例如：bash scripts/run.sh {other}", file=sys.stderr)
    print(f"Port {port} ({address}) {why_en}; AidFlow did not start and set nothing up.", file=sys.stderr)
    print(f"Stop the program using it, or choose another port, e.g.: bash scripts/run.sh {other}", file=sys.stderr)
    sys.exit(1)
PY

source scripts/setup.sh requirements.txt

# A local .env for a developer machine: DEBUG on, a random secret key. Production sets its own.
if [ ! -f .env ]; then
  key=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))')
  printf 'DEBUG=True\nSECRET_KEY=%s\n' "$key" > .env
  echo "Wrote .env (DEBUG=True, a random SECRET_KEY)."
fi

.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
echo
echo "AidFlow is starting on http://$address/  (Ctrl-C stops it)"
exec .venv/bin/python manage.py runserver --noreload "$address"
