#!/usr/bin/env bash
# Two (or more) builds of moat compared by the clock on one command, in alternated runs: every
# round runs each build RUNS times in turn (hyperfine, one warm-up), ROUNDS rounds in a row, so
# a busy moment of the machine falls on every build alike; the median is over all runs.
#
#   benches/compare.sh "screen --format json --threads 2" /tmp/moat-before target/release/moat
#   ROUNDS=4 benches/compare.sh "backtest --format json" /tmp/moat-before target/release/moat
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: benches/compare.sh \"ARGS\" BINARY BINARY..." >&2; exit 2; }
rounds=${ROUNDS:-15}
runs=${RUNS:-5}
args=$1
shift
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  for i in $(seq $#); do
    bin=${!i}
    hyperfine -N --warmup 1 --runs "$runs" --style none --output null \
      --export-json "$out/$i-$round.json" "$bin $args" >/dev/null
  done
done
python3 - "$out" "$@" <<'PY'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
print("| build | median | runs |\n|---|---:|---:|")
for i, bin in enumerate(sys.argv[2:], start=1):
    ts = []
    for f in out.glob(f"{i}-*.json"):
        ts += json.loads(f.read_text())["results"][0]["times"]
    m = statistics.median(ts)
    shown = f"{m * 1000:.2f} ms" if m < 1 else f"{m:.3f} s"
    print(f"| `{bin}` | {shown} | {len(ts)} |")
PY
