#!/usr/bin/env bash
# The CLI's black-box suites — those tests/windows/skip.txt lists, and the X11 clipboard — against
# the CLI as it ships from this machine (scripts/build-cli.sh: on Linux the static musl build), not
# the debug build the main suite runs: its DNS, keyring (D-Bus), file and process calls are musl's.
# tests/shipped/skip.txt names, with the reason, what needs the debug build's test hooks.
#   scripts/shipped-cli.sh                    (scripts/test.sh runs it)
#   scripts/shipped-cli.sh --test cli_inspect (these `cargo test` arguments instead of the suites)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=$(scripts/build-cli.sh)
"$cli" --version
skips=()
while read -r name _; do skips+=(--skip "$name"); done < <(grep -E '^[a-z_]+ ' tests/shipped/skip.txt)
args=("$@")
if [ $# -eq 0 ]; then
  for s in $(grep -E '^suites:' tests/windows/skip.txt | cut -d: -f2) cli_clipboard; do args+=(--test "$s"); done
fi
sep=(--); for a in "${args[@]}"; do [ "$a" = -- ] && sep=(); done
KEYDEN_BIN=$cli xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh \
  cargo test -q --locked -p keyden-tests "${args[@]}" "${sep[@]}" "${skips[@]}"
