#!/usr/bin/env bash
# Start-up and memory of Keyden against a bare Tauri 2 + Yew app built the same way
# (tests/bench-hello), launched alternately under one Xvfb and one keyring session (after one launch
# of each that is not counted: a binary just built is cold in the page cache):
# - time from exec until the real content is on screen — Keyden's key list with 1,000 keys, the bare
#   app's heading — seen in the pixels of Xvfb's framebuffer (scripts/framebuffer.py): each content
#   has a colour nothing else on screen has. Each page's own report (an animation frame after the
#   content is in the DOM, `first-paint-epoch-ms`) is printed beside it: it runs ahead of the screen;
# - the idle RSS and PSS of the whole process tree (the app and WebKit's web and network processes)
#   after 5 s.
# - how many font matches each asks fontconfig for until its first frame (FC_DEBUG=1): a count, the
#   same however busy the machine, for a cost that was about half of Keyden's time from its list in the
#   DOM to its first frame (startup_bench.py).
# Prints the medians and the ratios Keyden / bare app.
#   RUNS=7 scripts/startup-bench.sh        (scripts/test.sh runs RUNS=2 as a short mode)
#   BASELINE_APP=/tmp/base/target/release/keyden-app scripts/startup-bench.sh   (an earlier build too)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export RUNS=${RUNS:-5} IDLE=${IDLE_SECONDS:-5}
export KEYDEN=${KEYDEN_APP:-$PWD/target/release/keyden-app} HELLO=${HELLO_APP:-$PWD/target/release/hello-bench}
[ -x "$KEYDEN" ] || tauri build --no-bundle
[ -x "$HELLO" ] || (cd tests/bench-hello && tauri build --no-bundle)
WORK=$(mktemp -d); export WORK FBDIR=$WORK/fb; trap 'rm -rf "$WORK"' EXIT
mkdir -p "$FBDIR"
cargo run -q --release -p keyden-core --example seed -- "$WORK/1k" 1000 >/dev/null
if [ -n "${BASELINE_APP:-}" ]; then
  scripts/baseline-copy.sh "$WORK/1k" "$WORK/1k-base"
fi
xvfb-run -a -s "-screen 0 1280x800x24 -fbdir $FBDIR" scripts/with-keyring.sh python3 scripts/startup_bench.py
