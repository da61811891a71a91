#!/usr/bin/env bash
# Production web process: gunicorn on the address given (default 127.0.0.1:8000). Run as many as
# the load needs, behind a TLS-terminating proxy; settings come from the environment or .env.
set -euo pipefail
cd "$(dirname "$0")/.."
# The workers write their request metrics here, so /metrics adds up every worker (emptied at start).
if [ -z "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  PROMETHEUS_MULTIPROC_DIR=$(mktemp -d -t aidflow-metrics.XXXXXX)
else
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
fi
export PROMETHEUS_MULTIPROC_DIR
# With LOG_FORMAT=json the application logs each request as JSON itself; gunicorn's text line would
# only double it.
access_log=(--access-logfile -)
if [ "${LOG_FORMAT:-text}" = json ]; then
  access_log=()
fi
exec .venv/bin/gunicorn aidflow.wsgi --config python:aidflow.gunicorn --bind "${1:-127.0.0.1:8000}" \
  --workers "${WEB_WORKERS:-4}" "${access_log[@]}" --timeout 60
