#!/usr/bin/env bash
# The Windows build under Wine — issue 13, in progress, not yet part of scripts/test.sh. Installs what
# is missing (mingw, wine64, the rustup target), builds the ProcessPrng shim Wine 8 lacks, cross-builds
# keyden.exe with a lean profile, starts a fresh Wine prefix, and runs the CLI's black-box tests against
# the Windows build through KEYDEN_RUNNER (the same tests, not a copy).
#   scripts/windows.sh                       (default: --test cli_lifecycle)
#   scripts/windows.sh --test cli_bad_input  (any cargo test arguments for the keyden-tests package)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
wine=/usr/lib/wine/wine64

need=()
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
[ -x "$wine" ] || need+=(wine64)
if [ ${#need[@]} -gt 0 ]; then DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null; fi
rustup target list --installed | grep -qx x86_64-pc-windows-gnu || rustup target add x86_64-pc-windows-gnu

out=$root/target/windows
mkdir -p "$out"
x86_64-w64-mingw32-gcc -shared -O2 -s -o "$out/bcryptprimitives.dll" \
  tests/windows/bcryptprimitives.c tests/windows/bcryptprimitives.def -ladvapi32
# No debug info: the shipped Windows binaries come from the release workflow; these are for tests
# (`test-hooks`: the crash tests stop the CLI between journal steps). The probe is the tests' child.
CARGO_PROFILE_DEV_DEBUG=0 cargo build -q --locked --target x86_64-pc-windows-gnu -p keyden-cli --features test-hooks \
  -p keyden-probe

prefix=$(mktemp -d -t keyden-wine.XXXXXX)
export WINEPREFIX=$prefix WINEDEBUG=-all
trap '/usr/lib/wine/wineserver -k >/dev/null 2>&1 || true; rm -rf "$prefix"' EXIT
"$wine" wineboot -i >/dev/null 2>&1
cp "$out/bcryptprimitives.dll" "$prefix/drive_c/windows/system32/"

bin=$root/target/x86_64-pc-windows-gnu/debug
export KEYDEN_BIN=$bin/keyden.exe KEYDEN_PROBE=$bin/keyden-probe.exe KEYDEN_RUNNER=$wine
# The prefix is this run's own: its Credential Manager is as private as the test Secret Service.
export KEYDEN_IN_KEYRING_SESSION=1
"$wine" "$KEYDEN_BIN" --version
if [ $# -eq 0 ]; then set -- --test cli_lifecycle; fi
# What cannot apply to Windows is skipped by name (tests/windows/skip.txt says why).
skips=()
while read -r name _; do skips+=(--skip "$name"); done < <(grep -E '^[a-z_]+ ' tests/windows/skip.txt)
cargo test --locked -p keyden-tests "$@" -- "${skips[@]}"
