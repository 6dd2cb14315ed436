#!/usr/bin/env bash
# Back up the platform's database: pg_dump in the custom format (compressed, restorable in parallel,
# table by table), named by UTC date; keeps KEEP_DAYS days. Restore with deploy/backup/restore.sh.
#   DATABASE_URL=postgres://… BACKUP_DIR=/var/backups/tthc deploy/backup/backup.sh
set -euo pipefail
: "${DATABASE_URL:?set DATABASE_URL}"
BACKUP_DIR=${BACKUP_DIR:-/var/backups/tthc}
KEEP_DAYS=${KEEP_DAYS:-14}
JOBS=${JOBS:-1}
mkdir -p "$BACKUP_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
target="$BACKUP_DIR/tthc-$stamp.dump"
# Directory format would allow --jobs; the single-file custom format is easier to copy off-site.
pg_dump --format=custom --compress=6 --no-owner --no-privileges --file="$target.partial" "$DATABASE_URL"
mv "$target.partial" "$target"
pg_restore --list "$target" > /dev/null  # the archive's table of contents is readable
echo "backup: $target ($(du -h "$target" | cut -f1))"
find "$BACKUP_DIR" -name 'tthc-*.dump' -mtime "+$KEEP_DAYS" -delete
