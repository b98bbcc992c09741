#!/usr/bin/env bash
# The Wine step's native equivalent, for the release workflow's Windows and macOS runners: the same
# suites (listed in tests/windows/skip.txt) against the platform's own debug build of the CLI, no
# runner; the platform's skip list says, by name, what cannot apply there. Not run on this Linux
# machine — scripts/windows.sh is its Wine counterpart.
#   scripts/native-suite.sh
set -euo pipefail
cd "$(dirname "$0")/.."
case "$(uname -s)" in
  MINGW* | MSYS* | CYGWIN*) list=tests/windows/skip.txt
    # Under Wine the console's Ctrl+C is simulated by signalling both processes; a real console
    # cannot be driven from a CI job's pipes.
    extra=(--skip signals_reach_the_child_and_its_exit_code_comes_back) ;;
  Darwin) list=tests/macos/skip.txt extra=() ;;
  *) echo "native-suite.sh is for Windows and macOS; on Linux, scripts/test.sh runs these suites" >&2; exit 2 ;;
esac
cargo build --locked -p keyden-cli -p keyden-probe --features keyden-cli/test-hooks
suites=()
for s in $(grep -E '^suites:' tests/windows/skip.txt | cut -d: -f2); do suites+=(--test "$s"); done
skips=(${extra[@]+"${extra[@]}"})
while read -r name _; do skips+=(--skip "$name"); done < <(grep -E '^[a-z_]+ ' "$list")
# A CI runner is a throw-away machine: its Credential Manager / login keychain is the tests' own.
export KEYDEN_IN_KEYRING_SESSION=1
cargo test --locked -p keyden-tests "${suites[@]}" -- ${skips[@]+"${skips[@]}"}
