#!/usr/bin/env bash
# Stop the Medusa server and the private postgres cluster started by start.sh (by pid file, nothing broader).
BASE=${MEDUSA_HOME:-/var/tmp/keyden-medusa}   # not under /root: the postgres user must reach pgdata
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
if [ -f "$BASE/medusa.pid" ]; then
  pid=$(cat "$BASE/medusa.pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"; for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "medusa (pid $pid) stopped"
  fi
  rm -f "$BASE/medusa.pid"
fi
if runuser -u postgres -- "$PGBIN/pg_ctl" -D "$BASE/pgdata" status >/dev/null 2>&1; then
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$BASE/pgdata" -m fast -w stop >/dev/null && echo "postgres stopped"
fi
