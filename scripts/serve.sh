#!/usr/bin/env bash
# Serve the platform. With REDIS_URL set, a Celery worker and beat run beside the web server and stop with it.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1:8000}
pids=()
cleanup() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -n "${REDIS_URL:-}" ]; then
  mkdir -p var
  "$BIN/celery" -A config worker -l info --concurrency 2 >var/worker.log 2>&1 & pids+=($!)
  "$BIN/celery" -A config beat -l info --schedule var/celerybeat-schedule >var/beat.log 2>&1 & pids+=($!)
  echo "Celery worker and beat started (logs in var/worker.log, var/beat.log)."
fi
echo "Serving on http://$HOST/ (Ctrl-C to stop)"
"$BIN/python" manage.py runserver "$HOST"
