#!/usr/bin/env bash
# Installs what is missing, builds Keyden (release, frontend embedded) and starts the app on its
# default data directory (the OS app-data dir; set KEYDEN_DATA_DIR to use another).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/setup.sh
cargo fetch --locked >/dev/null
tauri build --no-bundle
exec target/release/keyden-app "$@"
