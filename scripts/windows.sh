#!/usr/bin/env bash
# The Windows build, tested on Linux under Wine. Cross-builds keyden.exe (with the crash tests' hooks),
# the tests' child program keyden-probe.exe and keyden-app.exe (frontend embedded) with a lean profile
# — the shipped Windows binaries come from the release workflow — starts a fresh Wine prefix with no
# display, and runs the CLI's black-box suites against keyden.exe through KEYDEN_RUNNER: the same
# tests the Linux binary passes, not a copy. What cannot apply to Windows is skipped by name, with the
# reason, in tests/windows/skip.txt.
#   scripts/windows.sh                      (the builds, then every suite that applies)
#   scripts/windows.sh --test cli_env       (the builds, then these `cargo test` arguments instead)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$root/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
wine=/usr/lib/wine/wine64
target=x86_64-pc-windows-gnu
log() { printf '[windows %4ss] %s\n' "$SECONDS" "$*" >&2; }

# scripts/setup.sh installs these; checked here too, so that this script also runs on its own.
need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
[ -x "$wine" ] || need+=(wine64)
if [ ${#need[@]} -gt 0 ]; then
  log "apt: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
rustup target list --installed | grep -qx "$target" || rustup target add "$target"

# Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng Rust's std imports: a shim over RtlGenRandom.
out=$root/target/windows
mkdir -p "$out"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$out/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -ladvapi32

# The app embeds ui/dist (custom-protocol, as `tauri build` sets it; without it the app would load the dev
# server). scripts/test.sh's release build made ui/dist; built here when run alone.
[ -f ui/dist/index.html ] || { log "building the frontend (trunk)"; (cd ui && trunk build --release); }
log "cross-building keyden.exe, keyden-probe.exe and keyden-app.exe (dev profile, no debug info)"
# One cargo invocation: keyden-core is built once for all three. The app's Windows config bundles the
# release CLI as a resource, which this test build neither has nor needs.
CARGO_PROFILE_DEV_DEBUG=0 TAURI_CONFIG='{"bundle":{"resources":null}}' \
  cargo build -q --locked --target "$target" -p keyden-cli -p keyden-probe -p keyden-app \
  --features keyden-cli/test-hooks,keyden-app/custom-protocol
bin=$root/target/$target/debug
ls -l "$bin/keyden.exe" "$bin/keyden-app.exe" "$bin/keyden-probe.exe" | awk '{printf "  %6.1f MiB  %s\n", $5/1048576, $NF}'

# A fresh prefix per run, and no display: Wine needs neither a window nor anything left from before.
unset DISPLAY WAYLAND_DISPLAY
prefix=$(mktemp -d -t keyden-wine.XXXXXX)
export WINEPREFIX=$prefix WINEDEBUG=-all
trap '/usr/lib/wine/wineserver -k >/dev/null 2>&1 || true; rm -rf "$prefix"' EXIT
log "a fresh Wine prefix"
"$wine" wineboot -i >/dev/null 2>&1
cp "$out/bcryptprimitives.dll" "$prefix/drive_c/windows/system32/"

export KEYDEN_BIN=$bin/keyden.exe KEYDEN_PROBE=$bin/keyden-probe.exe KEYDEN_APP_EXE=$bin/keyden-app.exe
export KEYDEN_RUNNER=$wine
# The prefix is this run's own: its Credential Manager is as private as the test Secret Service.
export KEYDEN_IN_KEYRING_SESSION=1
"$wine" "$KEYDEN_BIN" --version

skips=()
while read -r name _; do skips+=(--skip "$name"); done < <(grep -E '^[a-z_]+ ' tests/windows/skip.txt)
if [ $# -gt 0 ]; then
  sep=(--); for a in "$@"; do [ "$a" = -- ] && sep=(); done
  cargo test --locked -p keyden-tests "$@" "${sep[@]}" "${skips[@]}"
  exit
fi
suites=()
for s in $(grep -E '^suites:' tests/windows/skip.txt | cut -d: -f2); do suites+=(--test "$s"); done
log "the CLI's black-box suites against keyden.exe under Wine"
cargo test -q --locked -p keyden-tests "${suites[@]}" -- "${skips[@]}"
log "keyden-app.exe under Wine"
cargo test -q --locked -p keyden-tests --test app_windows -- --ignored
log "done"
