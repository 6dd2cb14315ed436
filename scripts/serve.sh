#!/usr/bin/env bash
# Serve the platform as it runs in production: DEBUG off (Vietnamese error pages, no debug details),
# static files collected and served by WhiteNoise, gunicorn. Plain HTTP on the local demo address, so
# the HTTPS redirect and secure-only cookies are off unless the environment says otherwise. A secret
# key is generated once into var/secret_key (or taken from DJANGO_SECRET_KEY).
# DJANGO_DEBUG=true ./scripts/serve.sh serves with Django's development server instead.
# With REDIS_URL set, a Celery worker and beat run beside the web server and stop with it.
set -euo pipefail
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1:8000}
mkdir -p var
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key
  DJANGO_SECRET_KEY=$(cat var/secret_key)
fi
export DJANGO_SECRET_KEY
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-false}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-false}
export DJANGO_SECURE_HSTS_SECONDS=${DJANGO_SECURE_HSTS_SECONDS:-0}
export DJANGO_ALLOWED_HOSTS=${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost,${HOST%:*}}
pids=()
cleanup() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
if [ -n "${REDIS_URL:-}" ]; then
  "$BIN/celery" -A config worker -l info --concurrency 2 >var/worker.log 2>&1 & pids+=($!)
  "$BIN/celery" -A config beat -l info --schedule var/celerybeat-schedule >var/beat.log 2>&1 & pids+=($!)
  echo "Celery worker and beat started (logs in var/worker.log, var/beat.log)."
fi
echo "Serving on http://$HOST/ (DEBUG=$DJANGO_DEBUG; Ctrl-C to stop)"
if [ "$DJANGO_DEBUG" = "true" ]; then
  "$BIN/python" manage.py runserver "$HOST"
else
  # Collected (hashed and compressed, once) when missing or older than static/ or the installed packages.
  manifest=staticfiles/staticfiles.json
  if [ ! -s "$manifest" ] || [ -n "$(find static "$BIN/.installed" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    echo "Collecting static files…"
    "$BIN/python" manage.py collectstatic --noinput -v0
  fi
  "$BIN/gunicorn" config.wsgi:application --bind "$HOST" --workers "${WEB_WORKERS:-2}" \
    --access-logfile - --log-level info &
  pids+=($!)
  wait "${pids[-1]}"
fi
