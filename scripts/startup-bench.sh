#!/usr/bin/env bash
# Start-up and memory of Keyden against a bare Tauri 2 + Yew app built the same way
# (tests/bench-hello), launched alternately under one Xvfb and one keyring session:
# - time from exec to the first painted frame of the real content — Keyden's key list with 1,000 keys,
#   the bare app's page — as each page reports it (an animation frame after the content is in the DOM,
#   then an IPC call that prints `first-paint-epoch-ms`);
# - the idle RSS and PSS of the whole process tree (the app and WebKit's web and network processes)
#   after 5 s.
# Prints the medians and the ratios Keyden / bare app.
#   RUNS=7 scripts/startup-bench.sh        (scripts/test.sh runs RUNS=2 as a short mode)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export RUNS=${RUNS:-5} IDLE=${IDLE_SECONDS:-5}
export KEYDEN=${KEYDEN_APP:-$PWD/target/release/keyden-app} HELLO=${HELLO_APP:-$PWD/target/release/hello-bench}
[ -x "$KEYDEN" ] || tauri build --no-bundle
[ -x "$HELLO" ] || (cd tests/bench-hello && tauri build --no-bundle)
WORK=$(mktemp -d); export WORK; trap 'rm -rf "$WORK"' EXIT
cargo run -q --release -p keyden-core --example seed -- "$WORK/1k" 1000 >/dev/null
xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh python3 scripts/startup_bench.py
