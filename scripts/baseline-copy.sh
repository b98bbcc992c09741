#!/usr/bin/env bash
# A copy of a seeded data directory that an earlier build (a benchmark's baseline) opens as its own:
# without what the migrations it predates added — 0009, the search index, and 0010, its bulk upkeep.
#   scripts/baseline-copy.sh SRC DST
set -euo pipefail
rm -rf "$2"; cp -r "$1" "$2"
sqlite3 "$2/keyden.sqlite3" "DROP TRIGGER IF EXISTS keys_search_insert; DROP TRIGGER IF EXISTS keys_search_delete;
  DROP TRIGGER IF EXISTS keys_search_update; DROP TABLE IF EXISTS keys_search; DROP TABLE IF EXISTS keys_search_deferred; DELETE FROM _sqlx_migrations WHERE version >= 9;"
