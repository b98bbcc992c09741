#!/usr/bin/env bash
# `scripts/run.sh` on a fresh clone, tools present, until the window shows the key list — this commit
# against a baseline commit, side by side: fresh clones of each, run alternately (RUNS each, 2 by
# default; ~4 minutes a run here), each from a cold build. Prints every run's wall time and
# CPU-seconds, the medians, and the ratios. A fresh clone has no ui/node_modules: run.sh's `npm install`
# (from npm's cache, ~2 s here) is part of each run.
#   BASELINE_REV=47600c2 RUNS=2 scripts/run-bench.sh
# Runs under Xvfb and a private keyring of its own; the app's start-up probe (KEYDEN_STARTUP_PROBE=exit)
# ends each run once the list is painted.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${IN_KEYRING:-}" ]; then
  IN_KEYRING=1 exec xvfb-run -a -s "-screen 0 1280x800x24" scripts/with-keyring.sh "$0" "$@"
fi
root=$PWD
runs=${RUNS:-2}
rev=$(git rev-parse --short HEAD)
base=$(git rev-parse --short "${BASELINE_REV:?name the baseline commit: BASELINE_REV=...}")
work=$(mktemp -d -t keyden-run-bench.XXXXXX); trap 'rm -rf "$work"' EXIT
# LOGS=DIR keeps each run's output there.
logs=${LOGS:-$work}; mkdir -p "$logs"
results="$work/results"
# Each run takes ~1.5 GiB of build products; they go as soon as the run is measured.
one() {
  local label=$1 commit=$2 n=$3 dir="$work/clone" t0 t1 cpu
  rm -rf "$dir" && git clone -q "$root" "$dir" && git -C "$dir" checkout -q "$commit"
  t0=$(date +%s.%N)
  ( cd "$dir" && env KEYDEN_STARTUP_PROBE=exit KEYDEN_DATA_DIR="$work/data-$label-$n" \
      bash -c 'time scripts/run.sh' ) >"$logs/$label-$n.log" 2>&1 \
    || { echo "run $label #$n failed:"; tail -20 "$logs/$label-$n.log"; exit 1; }
  t1=$(date +%s.%N)
  # CPU of the run: bash's `time` of run.sh (user + sys), which counts its whole process tree.
  cpu=$(awk '/^user/{split($2,a,/[ms]/); u=a[1]*60+a[2]} /^sys/{split($2,b,/[ms]/); s=b[1]*60+b[2]} END{printf "%.0f", u+s}' "$logs/$label-$n.log")
  printf '%-9s %-8s #%d  %6.1f s  %4d CPU-s\n' "$label" "$commit" "$n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b - a}')" "$cpu" | tee -a "$results"
  rm -rf "$dir"
}
echo "== scripts/run.sh on a fresh clone: $rev against $base, $runs runs each, alternating"
for n in $(seq 1 "$runs"); do
  if [ $((n % 2)) = 1 ]; then one this "$rev" "$n"; one baseline "$base" "$n"; else one baseline "$base" "$n"; one this "$rev" "$n"; fi
done
python3 - "$results" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
def med(label, col):
    return statistics.median(float(r[col]) for r in rows if r[0] == label)
w, wb = med("this", 3), med("baseline", 3)
c, cb = med("this", 5), med("baseline", 5)
print(f"medians: this {w:.1f} s ({int(w // 60)} min {w % 60:.0f} s), {c:.0f} CPU-s; "
      f"baseline {wb:.1f} s, {cb:.0f} CPU-s; ratio wall {w / wb:.2f}, CPU {c / cb:.2f}")
EOF
