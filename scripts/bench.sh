#!/usr/bin/env bash
# Benchmarks that print figures (never pass/fail on time):
#  1. `keyden keys list --search` over 10,000 keys, as a process, against the floor of the same scan
#     done by the sqlite3 shell on the same file (hyperfine, side by side);
#  2. the same search inside the core, against a bare query (criterion);
#  3. cold start of the release app to its first painted list (1,000 keys), median of N launches under
#     Xvfb: from just before exec to the UI's first animation frame after the list is in the DOM,
#     reported by the app itself (KEYDEN_STARTUP_PROBE=exit prints the wall clock, then quits);
#  4. secrets where code runs (scripts/env-bench.sh): `run` overhead, masking throughput against a
#     pipe, `scan` against `rg -F`, `env import` of 500 lines with 50 secrets;
#  5. the team vault: the first sync of 10,000 entries from a real OpenBao dev server and an incremental
#     sync with 10 changed, each against a bare HTTP client doing the same KV reads at the same
#     concurrency; Keyden's and the server's memory; gnome-keyring's growing cost per item write, which
#     is why bulk writes go into packs;
#  6. sizes: app and CLI binaries, .deb and .rpm, the wasm;
#  7. `run` (only when named): scripts/run.sh on fresh clones of this commit and of BASELINE_REV, by
#     scripts/run-bench.sh.
# Builds the release CLI first, and the app when a section runs it and its sources changed; sizes of
# .deb/.rpm come from the last `tauri build`. RUNS=5 by default; GET_ROUNDS=10 rounds of 20 `get`s.
#
# Before and after in one run: BASELINE=DIR names a directory with an earlier build's `keyden` and
# `keyden-app` (e.g. a worktree's target/release); the process benchmarks then run it side by side
# with this build, on its own copy of the same seeded data (the schema it knows).
#   BASELINE=/tmp/base/target/release scripts/bench.sh
# A build from after the Linux CLI went static keeps it elsewhere (scripts/build-cli.sh): BASELINE_CLI
# names it, e.g. BASELINE_CLI=/tmp/base/target/x86_64-unknown-linux-musl/release/keyden.
#
# Sections (all by default, or those named): search startup inspect get signer sync team keyring env sizes
#   scripts/bench.sh search startup inspect get signer sizes
set -euo pipefail
if [ "$*" = run ]; then exec "$(dirname "$0")/run-bench.sh"; fi
sections=" ${*:-search startup inspect get signer sync team keyring env sizes} "
want() { [[ $sections == *" $1 "* ]]; }
cd "$(dirname "$0")/.."
root=$PWD
runs=${RUNS:-5}
export PATH="$root/ui/node_modules/.bin:$HOME/.cargo/bin:$PATH"
command -v hyperfine >/dev/null || { apt-get install -y -qq hyperfine >/dev/null; }
command -v valgrind >/dev/null || { apt-get install -y -qq valgrind >/dev/null; }
work=$(mktemp -d -t keyden-bench.XXXXXX); trap 'rm -rf "$work"' EXIT

echo "== building what is measured (release; the CLI as it ships: scripts/build-cli.sh)"
cli=$(scripts/build-cli.sh)
# The app only for the sections that run it, and only when its sources changed since the last build
# here: `tauri build` reruns trunk, and the fresh ui/dist re-links the LTO app (~4 minutes) every time.
if want startup || want sizes; then
  src=(ui src-tauri migrations Cargo.toml Cargo.lock)
  stamp=$( { git ls-files -s "${src[@]}"; git diff HEAD -- "${src[@]}";
             git ls-files -o --exclude-standard "${src[@]}" | xargs -r sha256sum; } | sha256sum | cut -c1-64)
  if [ -x target/release/keyden-app ] && [ "$(cat target/release/.bench-app.stamp 2>/dev/null)" = "$stamp" ]; then
    echo "   keyden-app is up to date with its sources"
  else
    tauri build --no-bundle >/dev/null
    echo "$stamp" > target/release/.bench-app.stamp
  fi
fi

base_cli=${BASELINE_CLI:-${BASELINE:+$BASELINE/keyden}}

if want search; then
echo "== seeding"
cargo run -q --release -p keyden-core --example seed -- "$work/10k" 10000

base=()
if [ -n "$base_cli" ]; then
  scripts/baseline-copy.sh "$work/10k" "$work/10k-base"
  base=(-n "baseline keys list --search" "$base_cli --data-dir $work/10k-base --json keys list --search 'stripe prod'")
fi

echo; echo "== keys list --search over 10,000 keys (process), floor: sqlite3 shell, same scan"
hyperfine -N --warmup 3 --runs 30 \
  -n "keyden keys list --search" "$cli --data-dir $work/10k --json keys list --search 'stripe prod'" \
  "${base[@]}" \
  -n "floor: sqlite3 instr scan" "sqlite3 $work/10k/keyden.sqlite3 \"SELECT * FROM keys WHERE instr(lower(title), 'stripe prod') > 0 ORDER BY title\""

echo; echo "== the same inside the core (criterion)"
cargo bench -q -p keyden-core --bench list_search 2>&1 | grep -E "matches|^list|time:"
echo; echo "== what the app's search index keeps in memory (counted by the allocator)"
cargo bench -q -p keyden-core --bench index_memory
fi

if want startup; then
echo; echo "== start-up and idle memory against a bare Tauri + Yew app (1,000 keys, $runs alternating launches)"
RUNS=$runs BASELINE_APP=${BASELINE:+$BASELINE/keyden-app} scripts/startup-bench.sh 2>/dev/null | grep -vE "dbus|SpiRegistry"
fi

if want inspect; then
echo; echo "== inspect: decode + verify inside the core (criterion)"
cargo bench -q -p keyden-core --bench inspect 2>&1 | grep -E "^decode|time:|thrpt:"

echo; echo "== inspect as a process, side by side with jwt-cli on the same tokens (hyperfine)"
command -v jwt >/dev/null || cargo install -q jwt-cli@6.2.0 --locked
fx=tests/fixtures/jwt/fixtures.json
at=$(python3 -c "import json;print(json.load(open('$fx'))['at'])")
field() { python3 -c "import json,sys;c=[c for c in json.load(open('$fx'))['cases'] if c['alg']=='$1'][0];sys.stdout.write(c.get('$2',''))"; }
field HS256 secret_b64 | base64 -d > "$work/hs.key"
field RS256 public_pem > "$work/rs.pem"; field ES256 public_pem > "$work/es.pem"
# Instructions a process runs, loader included (callgrind).
irs() { valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null | sed -n 's/.*Collected : //p'; }
for alg in HS256 RS256 ES256; do
  tok=$(field $alg token)
  case $alg in
    HS256) k=(--secret-file "$work/hs.key"); j=(--secret "b64:$(field HS256 secret_b64)");;
    RS256) k=(--key-file "$work/rs.pem"); j=(--secret "@$work/rs.pem");;
    ES256) k=(--key-file "$work/es.pem"); j=(--secret "@$work/es.pem");;
  esac
  # Both must accept the token, or the comparison means nothing.
  "$cli" --data-dir "$work/none" inspect --at "$at" "${k[@]}" "$tok" >/dev/null
  jwt decode --ignore-exp --alg "$alg" "${j[@]}" "$tok" >/dev/null
  base=()
  [ -z "$base_cli" ] || base=(-n "baseline inspect $alg" "$base_cli --data-dir $work/none-base inspect --at $at ${k[*]} $tok")
  # Medians of 300: a run of ~1.5 ms is at the mercy of any other process; the mean follows the outliers.
  hyperfine -N --warmup 10 --runs 300 --export-json "$work/$alg.json" \
    -n "keyden inspect $alg" "$cli --data-dir $work/none inspect --at $at ${k[*]} $tok" \
    -n "jwt-cli decode $alg" "jwt decode --ignore-exp --alg $alg ${j[*]} $tok" "${base[@]}" | grep -E "Time|±|faster"
  python3 -c "
import json;r=json.load(open('$work/$alg.json'))['results'];k,j=r[0]['median'],r[1]['median']
print(f'$alg (medians): keyden {1/k:.0f}/s, jwt-cli {1/j:.0f}/s, keyden/jwt-cli time ratio {k/j:.2f}', end='')
print(f', baseline/jwt-cli {r[2][\"median\"]/j:.2f}' if len(r) > 2 else '')"
  # The same two processes counted in instructions (callgrind, loader included): no noise, so a
  # change of a few percent shows, where the times above move by more from run to run.
  ki=$(irs "$cli" --data-dir "$work/none" inspect --at "$at" "${k[@]}" "$tok")
  ji=$(irs jwt decode --ignore-exp --alg "$alg" "${j[@]}" "$tok")
  python3 -c "print(f'$alg instructions: keyden {$ki/1e6:.2f} M, jwt-cli {$ji/1e6:.2f} M, ratio {$ki/$ji:.2f}')"
done
[ ! -e "$work/none" ] || { echo "inspect created a data directory for a decode" >&2; exit 1; }
fi

if want get; then
echo; echo "== keyden get KEY as a process, floor: secret-tool lookup of the same entry (real Secret Service)"
GET_ROUNDS=${GET_ROUNDS:-10} BASELINE=$base_cli K="$cli" D="$work/get" scripts/with-keyring.sh bash -c '
  set -euo pipefail
  printf "sk_bench_%s" "$RANDOM$RANDOM$RANDOM" | $K --data-dir $D keys add --title "Bench key" --secret-stdin >/dev/null
  id=$($K --data-dir $D --json keys list | python3 -c "import json,sys;print(json.load(sys.stdin)[0][\"id\"])")
  # Both must print the same value, or the comparison means nothing.
  [ "$($K --data-dir $D get "$id")" = "$(secret-tool lookup service keyden username "$id")" ]
  base=()
  if [ -n "$BASELINE" ]; then
    scripts/baseline-copy.sh "$D" "$D-base"
    base=(-n "baseline get" "$BASELINE --data-dir $D-base get $id")
  fi
  # Rounds of 20 runs each, the order flipped every round: a ratio of ~1.0 is decided by a few
  # hundred microseconds, less than this machine drifts in a minute, so each round is a ratio of its
  # own and the median of the rounds is the figure.
  named=(-n "keyden get" "$K --data-dir $D get $id" -n "floor: secret-tool lookup" "secret-tool lookup service keyden username $id" "${base[@]}")
  for r in $(seq "$GET_ROUNDS"); do
    order=("${named[@]}")
    if [ $((r % 2)) = 0 ]; then order=("${named[@]:3:3}" "${named[@]:0:3}" "${named[@]:6}"); fi
    hyperfine -N --warmup 3 --runs 20 --export-json "$D.$r.json" "${order[@]}" >/dev/null
  done
  python3 - "$D" "$GET_ROUNDS" <<"PY"
import json, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
ms = {}
for r in range(1, rounds + 1):
    for res in json.load(open(f"{d}.{r}.json"))["results"]:
        ms.setdefault(res["command"], []).append(statistics.median(res["times"]) * 1000)
k, f = ms["keyden get"], ms["floor: secret-tool lookup"]
ratios = sorted(a / b for a, b in zip(k, f))
print(f"get: {rounds} alternating rounds of 20 runs; medians keyden {statistics.median(k):.2f} ms, "
      f"secret-tool {statistics.median(f):.2f} ms")
print(f"get: keyden/secret-tool time ratio, median of rounds {statistics.median(ratios):.2f} "
      f"(rounds from {ratios[0]:.2f} to {ratios[-1]:.2f}; {sum(x < 1 for x in ratios)} of {rounds} below 1.0)")
if "baseline get" in ms:
    b = [a / c for a, c in zip(ms["baseline get"], f)]
    print(f"get: baseline/secret-tool, median of rounds {statistics.median(b):.2f}")
PY' 2>&1 | grep -v -e dbus-daemon -e "Statistical outliers"
fi

if want signer; then
echo; echo "== naming the signer among 1,000 vault secrets (real Secret Service)"
scripts/with-keyring.sh cargo run -q --release -p keyden-core --example signer_search -- 1000 2>&1 | grep -v dbus-daemon
fi

if want sync; then
echo; echo "== mirror sync of 10,000 keys from a local Medusa-paging server, floor: bare bulk insert"
RUNS=$runs cargo bench -q -p keyden-core --bench sync 2>&1 | grep -vE "^(running|test result|$)"
fi

if want team; then
echo; echo "== team vault: sync of 10,000 entries from a real OpenBao dev server, floor: a bare HTTP client"
bao=$(tests/openbao/setup.sh)
KEYDEN_BIN=$cli KEYDEN_BAO_BIN=$bao RUNS=$(( runs < 3 ? runs : 3 )) \
  scripts/with-keyring.sh cargo bench -q -p keyden-core --bench team_sync 2>&1 | grep -vE "dbus-daemon|^(running|test result|$)"
fi

if want keyring; then
echo; echo "== gnome-keyring: cost per item write as it fills, against one packed bulk write"
scripts/with-keyring.sh cargo run -q --release -p keyden-core --example keyring_writes -- 1000 2>&1 | grep -v dbus-daemon
fi

if want env; then
echo; echo "== secrets where code runs: run, masking, scan, env import"
KEYDEN_BIN=$cli RUNS=30 scripts/env-bench.sh
fi

if want sizes; then
echo; echo "== sizes (the .deb as repacked by scripts/repack-deb.sh after a tauri build)"
ls -l target/release/keyden-app "$cli" target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm ui/dist/*.wasm 2>/dev/null \
  | awk '{printf "%-70s %8.2f MiB\n", $9, $5/1048576}' || true
if [ -n "${BASELINE:-}" ]; then
  ls -l "$BASELINE/keyden-app" "$base_cli" "$BASELINE"/bundle/deb/*.deb 2>/dev/null | awk '{printf "baseline %-61s %8.2f MiB\n", $9, $5/1048576}' || true
fi
fi
