#!/usr/bin/env bash
# The scheduler: run exactly one for the whole deployment. It queues the deadline sweep every 15
# minutes and the catch-up of notices still without their PDF every 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/celery -A aidflow beat --loglevel "${LOG_LEVEL:-INFO}" --schedule "${BEAT_SCHEDULE_FILE:-/tmp/aidflow-beat-schedule}"
