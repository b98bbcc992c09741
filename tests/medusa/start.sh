#!/usr/bin/env bash
# Start postgres (127.0.0.1:5433) and the Medusa server (127.0.0.1:9000) in the background,
# wait for GET /health == 200, print the admin credentials. Run setup.sh once before.
# Stop: stop.sh beside this file  (kills the pid in medusa.pid, then pg_ctl stop on pgdata)
set -euo pipefail

BASE=${MEDUSA_HOME:-/var/tmp/keyden-medusa}   # not under /root: the postgres user must reach pgdata
SERVER=$BASE/server
PGDATA=$BASE/pgdata
PGRUN=$BASE/pgrun
PGPORT=${PGPORT:-5433}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
HOST=127.0.0.1
PORT=${MEDUSA_PORT:-9000}
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-supersecret}
TIMEOUT=${START_TIMEOUT:-120}
export MEDUSA_DISABLE_TELEMETRY=true

[ -x "$SERVER/node_modules/.bin/medusa" ] || { echo "not set up: run $BASE/setup.sh first" >&2; exit 1; }

# postgres
mkdir -p "$PGRUN"; chown postgres:postgres "$PGRUN"
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUN/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGRUN" -w start >/dev/null
  echo "postgres started (pid $(head -1 "$PGDATA/postmaster.pid"))"
else
  echo "postgres already running (pid $(head -1 "$PGDATA/postmaster.pid"))"
fi

health() { [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$HOST:$PORT/health" 2>/dev/null)" = 200 ]; }

# medusa
if [ -f "$BASE/medusa.pid" ] && kill -0 "$(cat "$BASE/medusa.pid")" 2>/dev/null && health; then
  echo "medusa already running (pid $(cat "$BASE/medusa.pid"))"
else
  if health; then echo "port $PORT already serves /health but not from our pid file; refusing" >&2; exit 1; fi
  cd "$SERVER"
  t0=$(date +%s.%N)
  # node directly (not npx/npm) so the pid file names the server process itself
  setsid nohup node node_modules/.bin/medusa start --host "$HOST" --port "$PORT" \
    >"$BASE/medusa.log" 2>&1 < /dev/null &
  echo $! >"$BASE/medusa.pid"
  for _ in $(seq 1 $((TIMEOUT * 4))); do
    health && break
    kill -0 "$(cat "$BASE/medusa.pid")" 2>/dev/null || { echo "medusa exited; see $BASE/medusa.log" >&2; tail -30 "$BASE/medusa.log" >&2; exit 1; }
    sleep 0.25
  done
  health || { echo "medusa not healthy after ${TIMEOUT}s; see $BASE/medusa.log" >&2; exit 1; }
  echo "medusa started (pid $(cat "$BASE/medusa.pid")) and healthy after $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s"
fi

cat <<EOF
Medusa Admin API : http://$HOST:$PORT   (health: /health, logs: $BASE/medusa.log)
Admin email      : $ADMIN_EMAIL
Admin password   : $ADMIN_PASSWORD
Get a JWT        : curl -s -X POST http://$HOST:$PORT/auth/user/emailpass -H 'Content-Type: application/json' -d '{"email":"$ADMIN_EMAIL","password":"$ADMIN_PASSWORD"}'
Postgres         : postgres://medusa:medusa@127.0.0.1:$PGPORT/medusa
Medusa pid file  : $BASE/medusa.pid
EOF
