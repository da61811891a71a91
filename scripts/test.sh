#!/usr/bin/env bash
# Run the whole test suite. SQLite by default; PostgreSQL when DATABASE_URL points at one
# (pytest-django creates and drops a test_<name> database next to it). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh requirements-dev.txt

export SECRET_KEY=${SECRET_KEY:-test-secret-key-not-for-production-0123456789-abcdefghij}
export DEBUG=False
# The tests never read a developer's .env (run.sh writes one).
export AIDFLOW_IGNORE_DOTENV=1
export SECURE_SSL_REDIRECT=False
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-testserver,localhost,127.0.0.1}
# Nothing of a machine's deployment reaches the tests: no broker, replica, metrics token or JSON logs.
unset CELERY_BROKER_URL DATABASE_REPLICA_URL METRICS_TOKEN LOG_FORMAT PROMETHEUS_MULTIPROC_DIR
mkdir -p test-artifacts
echo "Database: ${DATABASE_URL:-SQLite (embedded)}"
exec .venv/bin/python -m pytest "$@"
