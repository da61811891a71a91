#!/usr/bin/env bash
# Production background worker: notices' PDFs, deadline sweeps, mail. Needs CELERY_BROKER_URL
# (Redis). Run one or more, on this machine or others that share the database and MEDIA_ROOT.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/celery -A aidflow worker --loglevel "${LOG_LEVEL:-INFO}" --concurrency "${WORKER_CONCURRENCY:-2}"
