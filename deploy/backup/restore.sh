#!/usr/bin/env bash
# Restore a backup made by backup.sh into a NEW, empty database (never over the live one), check it,
# and print what to do next. Stop the web, workers and beat before switching DATABASE_URL to it.
#   deploy/backup/restore.sh /var/backups/tthc/tthc-20261205T023000Z.dump postgres://postgres@127.0.0.1:5432/tthc_restored
set -euo pipefail
dump=${1:?usage: restore.sh DUMP TARGET_DATABASE_URL}
target=${2:?usage: restore.sh DUMP TARGET_DATABASE_URL}
JOBS=${JOBS:-2}
base=${target%/*}
name=${target##*/}
exists=$(psql "$base/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ -n "$exists" ]; then
  echo "refusing: database $name exists (restore into a new database)" >&2
  exit 1
fi
psql "$base/postgres" -qc "CREATE DATABASE \"$name\""
pg_restore --jobs="$JOBS" --no-owner --no-privileges --exit-on-error --dbname="$target" "$dump"
psql "$target" -qc "ANALYZE"  # pg_restore does not restore planner statistics
echo "restored into $name:"
psql "$target" -Atc "SELECT 'dossiers ' || count(*) FROM tthc_dossier"
psql "$target" -Atc "SELECT 'migrations ' || count(*) FROM django_migrations"
echo "next: DATABASE_URL=$target python manage.py migrate --check && python manage.py check --deploy"
