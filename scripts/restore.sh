#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into this environment's database and media root, which
# must both be empty, then prove nothing changed: migrate, `verify_audit --full`, every notice's PDF
# and every document against its recorded SHA-256, every signed-off month against its signed hash,
# and the counts and the audit chain's last link against the backup's state.json.
#
#   DATABASE_URL=... MEDIA_ROOT=... bash scripts/restore.sh /var/backups/aidflow/2026-03-05
#
# It asks for confirmation; `echo yes | bash scripts/restore.sh DIR` answers it. Nothing is touched
# until the backup matches its manifest and the targets are found empty.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
dir=${1:?usage: bash scripts/restore.sh DIR}
started=$SECONDS

refuse() {
  echo "restore: $*" >&2
  echo "restore: refused; nothing was changed" >&2
  exit 1
}

[ -f "$dir/MANIFEST.sha256" ] || refuse "$dir holds no MANIFEST.sha256: not a backup of scripts/backup.sh"
dir=$(cd "$dir" && pwd)
echo "restore: checking $dir against its manifest (SHA-256 $(sha256sum "$dir/MANIFEST.sha256" | cut -d' ' -f1)) ..."
(cd "$dir" && sha256sum --check --strict --quiet MANIFEST.sha256) ||
  refuse "the backup does not match its manifest: a file was changed or damaged"
database_file=$(awk '{print $2}' "$dir/MANIFEST.sha256" | grep -E '^database\.(dump|sqlite3)$' || true)
[ -n "$database_file" ] || refuse "the manifest names no database file"
# The media archive must hold exactly the files listed with their sums, no other path.
expected=$(sed -E 's/^[0-9a-f]{64}  //' "$dir/media.sha256" | sort)
archived=$(tar -tf "$dir/media.tar" | { grep -v '/$' || true; } | sort)
[ "$expected" = "$archived" ] || refuse "media.tar does not hold exactly the files media.sha256 lists"

declare -A target
while IFS= read -r line; do
  target[${line%%=*}]=${line#*=}
done < <("$PYTHON" manage.py backup_helper target)
media_root=${target[MEDIA_ROOT]}
case "$database_file:${target[ENGINE]}" in
  database.dump:postgresql | database.sqlite3:sqlite) ;;
  *) refuse "the backup holds $database_file but this environment's database is ${target[ENGINE]}" ;;
esac
"$PYTHON" manage.py backup_helper check-state "$dir/state.json" || refuse "this code cannot run the backup's database"

if [ "${target[ENGINE]}" = postgresql ]; then
  "$PYTHON" manage.py backup_helper check-empty ||
    refuse "restore only into an existing, empty database (${target[DB_NAME]})"
elif [ -s "${target[DB_NAME]}" ]; then
  "$PYTHON" manage.py backup_helper check-empty || refuse "restore only into an empty database (${target[DB_NAME]})"
fi
if [ -d "$media_root" ] && [ -n "$(ls -A "$media_root")" ]; then
  refuse "restore only into an empty media root ($media_root)"
fi

echo "restore: into database ${target[DB_NAME]} (${target[ENGINE]}) and media root $media_root"
if [ -t 0 ]; then
  printf 'Type yes to restore: '
fi
answer=""
read -r answer || true
[ "$answer" = yes ] || refuse "not confirmed (answer yes)"

echo "restore: database ..."
if [ "${target[ENGINE]}" = postgresql ]; then
  PGHOST=${target[DB_HOST]} PGPORT=${target[DB_PORT]} PGUSER=${target[DB_USER]} \
    PGPASSWORD=${target[DB_PASSWORD]} PGSSLMODE=${target[DB_SSLMODE]:-prefer} \
    pg_restore --no-owner --no-privileges --exit-on-error --single-transaction \
    --dbname="${target[DB_NAME]}" "$dir/database.dump"
else
  mkdir -p "$(dirname "${target[DB_NAME]}")"
  rm -f "${target[DB_NAME]}"
  "$PYTHON" manage.py backup_helper sqlite-copy "$dir/database.sqlite3" "${target[DB_NAME]}"
fi

echo "restore: media ..."
mkdir -p "$media_root"
tar -C "$media_root" -xf "$dir/media.tar"
if [ -s "$dir/media.sha256" ]; then
  (cd "$media_root" && sha256sum --check --strict --quiet "$dir/media.sha256") ||
    { echo "restore: the restored media do not match media.sha256" >&2; exit 1; }
fi

echo "restore: migrate ..."
"$PYTHON" manage.py migrate --noinput -v0
failed=0
echo "restore: the audit chain, whole ..."
"$PYTHON" manage.py verify_audit --full || failed=1
echo "restore: notices, documents and signed-off months against their SHA-256 ..."
"$PYTHON" manage.py verify_integrity || failed=1
echo "restore: against the backup's state ..."
"$PYTHON" manage.py backup_helper compare "$dir/state.json" || failed=1

made_at=$(sed -n 's/^  "made_at": "\(.*\)",$/\1/p' "$dir/state.json")
files=$(wc -l <"$dir/media.sha256")
if [ "$failed" = 0 ]; then
  echo "restore: done in $((SECONDS - started)) s: the backup of $made_at, $files media files; every check passed"
else
  echo "restore: finished in $((SECONDS - started)) s, BUT A CHECK FAILED (above): do not put this copy in service" >&2
  exit 1
fi
