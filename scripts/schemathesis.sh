#!/usr/bin/env bash
# API fuzzing from the committed OpenAPI schema (docs/openapi.yml) with schemathesis.
#
# Seeds a small demo dataset into the PostgreSQL database of DATABASE_URL (an empty or demo database:
# it is migrated and seeded), serves the platform with gunicorn on 127.0.0.1:$SCHEMATHESIS_PORT, and
# runs every operation with SCHEMATHESIS_EXAMPLES cases (default 50) per phase, twice: as Hà Nội's
# province officer (session cookie + CSRF token) and as Hà Nội's source system (API token). The only
# check is "no server error": exit status 1 when any request answered 5xx (the server's tracebacks are
# printed), 0 otherwise. Reports (JUnit) and the server log go to $SCHEMATHESIS_OUT (var/schemathesis).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PORT=${SCHEMATHESIS_PORT:-8791}
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-50}
OUT=${SCHEMATHESIS_OUT:-var/schemathesis}
case "${DATABASE_URL:-}" in
  postgres*) ;;
  *) echo "scripts/schemathesis.sh: DATABASE_URL must point at a PostgreSQL database" >&2; exit 2 ;;
esac
# Tasks run eagerly inside the server (no broker left with queued work); ingestion does not recompute
# the index after each fuzzed batch.
unset REDIS_URL
export INDICATOR_RECOMPUTE_AFTER_INGEST=false
mkdir -p "$OUT"
rm -f "$OUT"/*.xml "$OUT/server.log"

echo "== schemathesis: seeding"
"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py seed_demo --dossiers "${SCHEMATHESIS_DOSSIERS:-400}" >"$OUT/seed.log"
# Hà Nội's own system (created by the demo) gets a new token; the officer a session and a CSRF secret.
token=$("$BIN/python" manage.py create_source_system TINH-01 --name "Hệ thống TTHC Hà Nội" --kind provincial \
  --agency 01 --rotate-token 2>/dev/null | tail -n 1)
read -r session csrf < <("$BIN/python" manage.py shell --no-imports -c "
from django.contrib.auth import get_user_model
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username='hn.officer'))
print(client.cookies['sessionid'].value, _get_new_csrf_string())")

echo "== schemathesis: serving on 127.0.0.1:$PORT"
"$BIN/gunicorn" config.wsgi -b "127.0.0.1:$PORT" -w 2 --timeout 120 --access-logfile /dev/null \
  --error-logfile "$OUT/server.log" --capture-output &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break
  sleep 0.5
done

status=0
fuzz() {
  local name=$1; shift
  echo "== schemathesis: as $name"
  "$BIN/schemathesis" run docs/openapi.yml --url "http://127.0.0.1:$PORT" --checks not_a_server_error \
    --max-examples "$EXAMPLES" --phases examples,coverage,fuzzing --seed "${SCHEMATHESIS_SEED:-766}" \
    --generation-with-security-parameters false --generation-database none --workers 2 --request-timeout 60 --no-color \
    --report junit --report-junit-path "$OUT/$name.xml" "$@" || status=1
}
fuzz officer -H "Cookie: sessionid=$session; csrftoken=$csrf" -H "X-CSRFToken: $csrf"
fuzz source-system -H "Authorization: Token $token"

if [ "$status" -ne 0 ]; then
  echo "== schemathesis: server errors (from $OUT/server.log)"
  grep -E "^(Traceback|[A-Za-z_.]+(Error|Exception)[:(]|Internal Server Error)" "$OUT/server.log" | sort | uniq -c | sort -rn | head -40 || true
fi
exit "$status"
