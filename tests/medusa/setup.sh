#!/usr/bin/env bash
# Keyden's copy of ../shared/medusa/setup.sh (the project carries its own way to start the server).
# Build a local Medusa v2 server (Admin API only, no admin dashboard, no Redis) from scratch.
# Idempotent: re-running skips what is already done.
# Everything lives under $BASE (default ~/.cache/medusa-dev, or $MEDUSA_HOME). Needs root (apt-get, runuser), Node >= 20.19, npm.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)
BASE=${MEDUSA_HOME:-/var/tmp/keyden-medusa}   # not under /root: the postgres user must reach pgdata
SERVER=$BASE/server
PGDATA=$BASE/pgdata
PGRUN=$BASE/pgrun            # unix socket dir + postgres log
PGPORT=${PGPORT:-5433}       # not 5432, to stay clear of Debian's own cluster
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
DB_USER=medusa DB_PASS=medusa DB_NAME=medusa
ADMIN_EMAIL=${ADMIN_EMAIL:-admin@example.com}
ADMIN_PASSWORD=${ADMIN_PASSWORD:-supersecret}
MEDUSA_VERSION=${MEDUSA_VERSION:-2.21.2}
SWC_CORE_VERSION=${SWC_CORE_VERSION:-^1.7.28}   # Medusa <= 2.10.x needs exactly 1.5.7
export MEDUSA_DISABLE_TELEMETRY=true

log() { printf '[setup] %s\n' "$*"; }

# --- 0. prerequisites -------------------------------------------------------
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if(!(a>22||(a===22&&b>=12)||(a===20&&b>=19))){console.error("Node "+process.version+" too old: Medusa 2.x needs ^20.19 || >=22.12");process.exit(1)}'
if [ ! -x "$PGBIN/postgres" ] || ! command -v curl >/dev/null; then
  log "installing postgresql + curl from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql curl >/dev/null
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
# Debian's postgresql package may auto-start its own 'main' cluster on 5432; we do not use it.

# --- 1. private PostgreSQL cluster on 127.0.0.1:$PGPORT --------------------
mkdir -p "$BASE" "$PGRUN"
chown postgres:postgres "$PGRUN"
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  log "initdb $PGDATA"
  mkdir -p "$PGDATA"; chown postgres:postgres "$PGDATA"; chmod 700 "$PGDATA"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log"
fi
pg_started_here=0
if ! runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
  log "starting postgres on 127.0.0.1:$PGPORT"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGRUN/postgres.log" \
    -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGRUN" -w start >/dev/null
  pg_started_here=1
fi
PSQL=(psql -h "$PGRUN" -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 -Atq)
if [ "$("${PSQL[@]}" -c "select count(*) from pg_roles where rolname='$DB_USER'")" = 0 ]; then
  log "creating role $DB_USER"
  "${PSQL[@]}" -c "CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASS' CREATEDB"
fi
if [ "$("${PSQL[@]}" -c "select count(*) from pg_database where datname='$DB_NAME'")" = 0 ]; then
  log "creating database $DB_NAME"
  "${PSQL[@]}" -c "CREATE DATABASE $DB_NAME OWNER $DB_USER"
fi

# --- 2. hand-written minimal Medusa project ----------------------------------
mkdir -p "$SERVER"/src/{api,modules,workflows,subscribers,jobs,links,scripts}
cat >"$SERVER/package.json" <<EOF
{
  "name": "medusa-dev-server",
  "version": "0.0.1",
  "private": true,
  "scripts": { "build": "medusa build", "start": "medusa start", "dev": "medusa develop" },
  "dependencies": {
    "@medusajs/cli": "$MEDUSA_VERSION",
    "@medusajs/framework": "$MEDUSA_VERSION",
    "@medusajs/medusa": "$MEDUSA_VERSION"
  },
  "devDependencies": {
    "@swc/core": "$SWC_CORE_VERSION",
    "@types/node": "^20.12.11",
    "ts-node": "^10.9.2",
    "typescript": "^5.6.2"
  },
  "engines": { "node": ">=20" }
}
EOF
cat >"$SERVER/medusa-config.ts" <<'EOF'
import { loadEnv, defineConfig } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    databaseDriverOptions: { connection: { ssl: false } },
    http: {
      storeCors: process.env.STORE_CORS || "http://127.0.0.1:8000",
      adminCors: process.env.ADMIN_CORS || "http://127.0.0.1:9000",
      authCors: process.env.AUTH_CORS || "http://127.0.0.1:9000",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
      jwtExpiresIn: process.env.JWT_EXPIRES_IN || "1d",
    },
  },
  admin: { disable: true },
})
EOF
cat >"$SERVER/.env" <<EOF
DATABASE_URL=postgres://$DB_USER:$DB_PASS@127.0.0.1:$PGPORT/$DB_NAME
STORE_CORS=http://127.0.0.1:8000
ADMIN_CORS=http://127.0.0.1:9000
AUTH_CORS=http://127.0.0.1:9000
JWT_SECRET=dev-jwt-secret
COOKIE_SECRET=dev-cookie-secret
JWT_EXPIRES_IN=1d
MEDUSA_DISABLE_TELEMETRY=true
EOF
cat >"$SERVER/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "target": "ES2021", "esModuleInterop": true, "module": "Node16", "moduleResolution": "Node16",
    "emitDecoratorMetadata": true, "experimentalDecorators": true, "skipLibCheck": true,
    "skipDefaultLibCheck": true, "declaration": false, "sourceMap": false, "inlineSourceMap": true,
    "outDir": "./.medusa/server", "rootDir": "./", "baseUrl": ".", "jsx": "react-jsx",
    "checkJs": false, "strictNullChecks": true
  },
  "ts-node": { "swc": true },
  "include": ["**/*", ".medusa/types/*"],
  "exclude": ["node_modules", ".medusa/server", ".medusa/admin", ".cache"]
}
EOF

cd "$SERVER"
installed=$(node -p 'try{require("./node_modules/@medusajs/medusa/package.json").version}catch(e){""}' 2>/dev/null || true)
if [ "$installed" != "$MEDUSA_VERSION" ]; then
  log "npm install (@medusajs/medusa $MEDUSA_VERSION; ~1.5 min, ~720 MB)"
  npm install --no-audit --no-fund --loglevel=error
fi

# --- 3. migrations + admin user ----------------------------------------------
log "medusa db:migrate"
node_modules/.bin/medusa db:migrate >"$BASE/migrate.log" 2>&1 || { tail -40 "$BASE/migrate.log"; exit 1; }
n=$(PGPASSWORD=$DB_PASS psql -h 127.0.0.1 -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" -Atqc \
  "select count(*) from \"user\" where email='$ADMIN_EMAIL' and deleted_at is null")
if [ "$n" = 0 ]; then
  log "creating admin user $ADMIN_EMAIL"
  node_modules/.bin/medusa user -e "$ADMIN_EMAIL" -p "$ADMIN_PASSWORD" >"$BASE/user.log" 2>&1 || { tail -20 "$BASE/user.log"; exit 1; }
else
  log "admin user $ADMIN_EMAIL already exists"
fi

if [ "$pg_started_here" = 1 ] && [ "${KEEP_PG_RUNNING:-0}" != 1 ]; then
  log "stopping postgres again (start.sh starts it)"
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
fi
log "done. Next: $SCRIPT_DIR/start.sh"
