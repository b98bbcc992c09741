#!/usr/bin/env bash
# Installs what is missing, builds Keyden and starts the app on its default data directory (the OS
# app-data dir; set KEYDEN_DATA_DIR to use another). The build is the `local` profile (Cargo.toml):
# optimised, frontend embedded, but without the installers' LTO pass — on a fresh clone it is the
# difference between minutes and a quarter of an hour. `tauri build` makes the shipped build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/setup.sh
cargo fetch --locked >/dev/null
# The wasm the way the installers have it (the UI's own profile: size-optimised, wasm-opt), but
# without LTO across its crates.
(cd ui && CARGO_PROFILE_RELEASE_LTO=false trunk build --release)
cargo build --locked --profile local -p keyden-app --features custom-protocol
exec target/local/keyden-app "$@"
