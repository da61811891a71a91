#!/usr/bin/env bash
# Run AidFlow on this machine: set-up, the embedded SQLite database, demo data, and a server on
# http://127.0.0.1:8000 (or the address given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
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
echo "AidFlow is starting on http://${1:-127.0.0.1:8000}/  (Ctrl-C stops it)"
exec .venv/bin/python manage.py runserver --noreload "${1:-127.0.0.1:8000}"
