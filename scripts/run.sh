#!/usr/bin/env bash
# Installs what is missing, builds Keyden and starts the app on its default data directory (the OS
# app-data dir; set KEYDEN_DATA_DIR to use another). The native part is the `local` profile
# (Cargo.toml: unoptimised but for the keyring's crypto), built while the UI's wasm builds beside it;
# `tauri build` makes the shipped, LTO-optimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
scripts/setup.sh
cargo fetch --locked >/dev/null
# The wasm with the same `local` profile, unoptimised and without wasm-opt: 4.8 MB against the installers'
# 0.8 MB, for ~35 CPU-seconds less of a cold build, on a machine where both builds keep every core busy.
# It has its own target directory so that the two builds run side by side instead of waiting on one
# lock. It is built beside ui/dist and copied there only when it differs: trunk rewrites every file it
# makes, and a newer ui/dist makes cargo compile the app again (~30 s) though nothing changed.
(cd ui && CARGO_TARGET_DIR=../target/ui trunk build --cargo-profile local --dist ../target/ui/dist \
  && { diff -rq ../target/ui/dist dist >/dev/null 2>&1 || { rm -rf dist && cp -r ../target/ui/dist dist; }; }) &
ui=$!
cargo build --locked --profile local -p keyden-app --no-default-features --features custom-protocol &
native=$!
wait "$ui"
wait "$native" || true
# The app embeds ui/dist when its own crate compiles: if that happened before this wasm was ready (or
# failed for want of it), it is compiled again now.
if [ ! -x target/local/keyden-app ] || [ target/local/keyden-app -ot ui/dist/index.html ]; then
  touch src-tauri/build.rs
  cargo build --locked --profile local -p keyden-app --no-default-features --features custom-protocol
fi
exec target/local/keyden-app "$@"
