#!/usr/bin/env bash
# Production web process: gunicorn on the address given (default 127.0.0.1:8000). Run as many as
# the load needs, behind a TLS-terminating proxy; settings come from the environment or .env.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/gunicorn aidflow.wsgi --bind "${1:-127.0.0.1:8000}" --workers "${WEB_WORKERS:-4}" \
  --access-logfile - --timeout 60
