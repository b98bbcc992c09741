#!/usr/bin/env bash
# Secrets where code runs, each figure side by side with its floor in one run (figures, never
# pass/fail on time). Inside a private Secret Service (scripts/with-keyring.sh):
#  1. `env import` of a 500-line .env holding 50 secrets (one keyring session), fresh vault each run;
#  2. `keyden run` overhead: `keyden run -- true` with 1 and with the 50 references, masked and with
#     --no-masking, against `true` run directly (hyperfine -N, median of many);
#  3. masking throughput: 100 MB of log through `keyden run -- cat LOG` (every line inspected for the
#     50 values) against `cat LOG | cat` (the same stream through one pipe: the floor of any filter);
#  4. `keyden scan` of a 50 MB tree against `rg -F -f VALUES` searching for the same 50 literal values.
#   scripts/env-bench.sh            (scripts/bench.sh runs it; RUNS sets the hyperfine runs, default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if [ "${KEYDEN_IN_KEYRING_SESSION:-}" != 1 ]; then exec scripts/with-keyring.sh "$0" "$@"; fi
runs=${RUNS:-30}
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
for tool in hyperfine rg; do
  pkg=$tool; [ $tool = rg ] && pkg=ripgrep
  command -v $tool >/dev/null || $SUDO apt-get install -y -qq --no-install-recommends $pkg >/dev/null
done
# The CLI as it ships (scripts/build-cli.sh), or KEYDEN_BIN: another build of it.
keyden=${KEYDEN_BIN:-$(scripts/build-cli.sh)}
w=$(mktemp -d -t keyden-envbench.XXXXXX); trap 'rm -rf "$w"' EXIT

python3 - "$w" <<'EOF'
import os, random, sys
w = sys.argv[1]
rnd = random.Random(7)
alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
values = ["sk_live_" + "".join(rnd.choice(alnum) for _ in range(32)) for _ in range(50)]
lines = []
for i in range(450):
    lines.append(f"# setting {i}" if i % 3 == 0 else f"SETTING_{i}=value-{i}")
lines += [f"SERVICE_{i}_API_KEY={v}" for i, v in enumerate(values)]
open(f"{w}/env.orig", "w").write("\n".join(lines) + "\n")
open(f"{w}/values.txt", "w").write("\n".join(values) + "\n")
# 100 MB of log; every 1,000th line prints one of the values.
words = "GET POST /api/orders /health 200 404 user=42 latency=12ms cache=miss region=eu-west-1".split()
with open(f"{w}/log.txt", "w") as f:
    size, n = 0, 0
    while size < 100 * 1024 * 1024:
        line = " ".join(rnd.choice(words) for _ in range(12))
        if n % 1000 == 0:
            line += " token=" + values[n // 1000 % 50]
        line += "\n"
        f.write(line); size += len(line); n += 1
# A 50 MB tree of 500 source-like files; 5 of them hold a copy of a value.
os.makedirs(f"{w}/tree/src", exist_ok=True)
for i in range(500):
    with open(f"{w}/tree/src/module_{i}.js", "w") as f:
        size = 0
        while size < 100 * 1024:
            ident = "".join(rnd.choice(alnum) for _ in range(rnd.randint(4, 24)))
            line = f"export const {ident} = fetch('/api/{ident}', {{ retries: {rnd.randint(0, 9)} }});\n"
            f.write(line); size += len(line)
        if i % 100 == 0:
            f.write(f"const leaked = '{values[i // 100]}';\n")
EOF
echo "fixtures: $(wc -l <"$w/env.orig") lines in .env, $(du -m "$w/log.txt" | cut -f1) MB of log, $(du -sm "$w/tree" | cut -f1) MB tree"

echo; echo "== env import: 500 lines, 50 secrets, against 50 \`keys add\` (fresh vault and empty keyring each run)"
sed -n 's/^SERVICE_[0-9]*_API_KEY=//p' "$w/env.orig" >"$w/secrets.txt"
cat >"$w/add50.sh" <<ADD
#!/bin/sh
n=0; while read -r v; do n=\$((n+1)); printf %s "\$v" | $keyden --data-dir $w/imp/data keys add --title "k\$n" --type token --secret-stdin >/dev/null; done <$w/secrets.txt
ADD
chmod +x "$w/add50.sh"
fresh="sh -c 'secret-tool clear service keyden; rm -rf $w/imp && mkdir -p $w/imp && cp $w/env.orig $w/imp/.env'"
hyperfine -N --warmup 1 --runs 10 --export-json "$w/import.json" --prepare "$fresh" \
  -n "keyden env import (one keyring session)" "$keyden --data-dir $w/imp/data env import $w/imp/.env" \
  -n "baseline: 50 x keyden keys add" "$w/add50.sh" | grep -E "Time|Benchmark"
python3 - "$w/import.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
imp, add = r[0]["median"], r[1]["median"]
print(f"  env import {imp*1000:.0f} ms for 50 secrets ({imp*1000/50:.1f} ms a secret); 50 x keys add {add*1000:.0f} ms (import x{imp/add:.2f})")
PY
secret-tool clear service keyden

# The vault and .env the next benchmarks use: imported once.
mkdir -p "$w/proj"; cp "$w/env.orig" "$w/proj/.env"
"$keyden" --data-dir "$w/data" env import "$w/proj/.env" >/dev/null
one=$(sed -n 's/^SERVICE_0_API_KEY=\(.*\)$/\1/p' "$w/proj/.env")
printf 'ONLY=%s\n' "$one" >"$w/one.env"

echo; echo "== keyden run overhead, child: true"
hyperfine -N --warmup 5 --runs "$runs" --export-json "$w/run.json" \
  -n "true (directly)" "true" \
  -n "keyden run, 1 reference, masked" "$keyden --data-dir $w/data run --env-file $w/one.env -- true" \
  -n "keyden run, 1 reference, --no-masking" "$keyden --data-dir $w/data run --no-masking --env-file $w/one.env -- true" \
  -n "keyden run, 50 references, masked" "$keyden --data-dir $w/data run --env-file $w/proj/.env -- true" \
  -n "keyden run, 50 references, --no-masking" "$keyden --data-dir $w/data run --no-masking --env-file $w/proj/.env -- true" \
  | grep -E "Time|Benchmark"
python3 - "$w/run.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base = r[0]["median"]
for x in r:
    print(f"  {x['command']:<42} median {x['median']*1000:7.2f} ms  (+{(x['median']-base)*1000:6.2f} ms over the child alone)")
EOF

echo; echo "== masking throughput: 100 MB of log, 50 values to conceal"
hyperfine -N --warmup 1 --runs 5 --export-json "$w/mask.json" \
  -n "floor: cat LOG | cat" "sh -c 'cat $w/log.txt | cat'" \
  -n "keyden run -- cat LOG (masked)" "$keyden --data-dir $w/data run --env-file $w/proj/.env -- cat $w/log.txt" \
  | grep -E "Time|Benchmark"
concealed=$("$keyden" --data-dir "$w/data" run --env-file "$w/proj/.env" -- cat "$w/log.txt" | grep -c '<concealed:' || true)
leaked=$("$keyden" --data-dir "$w/data" run --env-file "$w/proj/.env" -- cat "$w/log.txt" | grep -c -F -f "$w/values.txt" || true)
python3 - "$w/mask.json" "$(stat -c %s "$w/log.txt")" "$concealed" "$leaked" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]; size = int(sys.argv[2]) / 1e6
floor, masked = r[0]["median"], r[1]["median"]
print(f"  masked {size/masked:.0f} MB/s, floor {size/floor:.0f} MB/s (x{masked/floor:.2f} the time); "
      f"{sys.argv[3]} lines concealed, {sys.argv[4]} values left in the output")
EOF

echo; echo "== scan of a 50 MB tree for the 50 vault values"
hyperfine -N --warmup 2 --runs 10 -i --export-json "$w/scan.json" \
  -n "floor: rg -F -f VALUES" "rg -F -c -f $w/values.txt $w/tree" \
  -n "keyden scan (fingerprints, no value read)" "$keyden --data-dir $w/data scan $w/tree" \
  | grep -E "Time|Benchmark"
found_rg=$(rg -F -c -f "$w/values.txt" "$w/tree" | wc -l)
found_keyden=$("$keyden" --data-dir "$w/data" --json scan "$w/tree" 2>/dev/null | python3 -c "import json,sys;print(sum(1 for f in json.load(sys.stdin)['findings'] if f['kind']=='vault_secret'))" || true)
python3 - "$w/scan.json" "$found_rg" "$found_keyden" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
floor, scan = r[0]["median"], r[1]["median"]
print(f"  keyden scan {scan*1000:.0f} ms, rg -F {floor*1000:.0f} ms (x{scan/floor:.2f}); "
      f"copies found: rg {sys.argv[2]}, keyden {sys.argv[3]}")
EOF
