#!/usr/bin/env bash
# Back up AidFlow into DIR: the database (pg_dump custom format, or a consistent copy of SQLite),
# the media tree (documents and notices) as a tar, the SHA-256 of every media file, the code's
# version and migrations with counts and the audit chain's last link (state.json), and a manifest
# of the SHA-256 of each of those files (MANIFEST.sha256), which scripts/restore.sh checks first.
#
#   DATABASE_URL=... MEDIA_ROOT=... bash scripts/backup.sh /var/backups/aidflow/2026-03-05
#
# DIR must be new or empty. The settings are read as the application reads them (.env included).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
dir=${1:?usage: bash scripts/backup.sh DIR}
started=$SECONDS

if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
  echo "backup: $dir is not empty; give a new directory" >&2
  exit 1
fi
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

declare -A target
while IFS= read -r line; do
  target[${line%%=*}]=${line#*=}
done < <("$PYTHON" manage.py backup_helper target)
media_root=${target[MEDIA_ROOT]}

# The state first: every row it counts is in the dump taken after it (nothing counted is deleted).
"$PYTHON" manage.py backup_helper state >"$dir/state.json"

echo "backup: database (${target[ENGINE]}) ..."
if [ "${target[ENGINE]}" = postgresql ]; then
  PGHOST=${target[DB_HOST]} PGPORT=${target[DB_PORT]} PGUSER=${target[DB_USER]} \
    PGPASSWORD=${target[DB_PASSWORD]} PGSSLMODE=${target[DB_SSLMODE]:-prefer} \
    pg_dump --format=custom --compress=6 --no-owner --no-privileges \
    --file="$dir/database.dump" "${target[DB_NAME]}"
  database_file=database.dump
else
  "$PYTHON" manage.py backup_helper sqlite-copy "${target[DB_NAME]}" "$dir/database.sqlite3"
  database_file=database.sqlite3
fi

# Media files are written once and never changed: list them, hash them, then archive exactly those.
echo "backup: media from $media_root ..."
list=$(mktemp)
trap 'rm -f "$list"' EXIT
if [ -d "$media_root" ]; then
  (cd "$media_root" && find . -type f -print0 | sort -z) >"$list"
  (cd "$media_root" && xargs -0 --no-run-if-empty sha256sum -- <"$list") >"$dir/media.sha256"
  tar -C "$media_root" --null --files-from="$list" -cf "$dir/media.tar"
else
  : >"$dir/media.sha256"
  tar -cf "$dir/media.tar" --files-from=/dev/null
fi

(cd "$dir" && sha256sum "$database_file" media.tar media.sha256 state.json >MANIFEST.sha256)
files=$(wc -l <"$dir/media.sha256")
size=$(du -sh "$dir" | cut -f1)
echo "backup: done in $((SECONDS - started)) s: $dir ($size; $files media files)"
echo "backup: manifest SHA-256 $(sha256sum "$dir/MANIFEST.sha256" | cut -d' ' -f1) (keep it apart from the backup)"
