#!/usr/bin/env bash
# The command-line figures of the README's performance section: medians of alternated runs.
# Every round runs each command RUNS times (hyperfine, one warm-up), ROUNDS rounds in a row,
# so a busy moment of the machine falls on every command alike; the median is over all runs.
# Then the peak resident memory of one run of each (GNU time). Needs a release build
# (`cargo build --release`), hyperfine and python3; generates the 10k-chain dataset once.
#
#   benches/cli.sh                 # ROUNDS=5 RUNS=3
#   ROUNDS=2 RUNS=2 benches/cli.sh # quicker, noisier
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-5}
runs=${RUNS:-3}
bin=target/release/moat
synth=target/synth-10000x520
[ -x "$bin" ] || { echo "benches/cli.sh: build first: cargo build --release" >&2; exit 2; }
[ -e "$synth/dataset.toml" ] || "$bin" data synth --chains 10000 --weeks 520 --seed 1 --out "$synth" >/dev/null

cmds=(
  "$bin screen --threads 1"
  "$bin screen --threads 2"
  "$bin backtest --threads 1"
  "$bin backtest --threads 2"
  "$bin screen --data $synth --threads 1"
  "$bin screen --data $synth --threads 2"
)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  hyperfine -N --warmup 1 --runs "$runs" --style none --output null \
    --export-json "$out/round-$round.json" "${cmds[@]}" >/dev/null
  echo "round $round of $rounds done" >&2
done
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086 # the command is words on purpose
  /usr/bin/time -f "%M" -o "$out/rss" $cmd >/dev/null
  printf '%s\t%s\n' "$cmd" "$(cat "$out/rss")" >>"$out/rss.tsv"
done
python3 - "$out" <<'EOF'
import json, pathlib, statistics, sys
out = pathlib.Path(sys.argv[1])
times = {}
for f in sorted(out.glob("round-*.json")):
    for r in json.loads(f.read_text())["results"]:
        times.setdefault(r["command"], []).extend(r["times"])
rss = dict(line.split("\t") for line in (out / "rss.tsv").read_text().splitlines())
print(f"| command | median | runs | peak memory |\n|---|---:|---:|---:|")
for cmd, ts in times.items():
    m = statistics.median(ts)
    shown = f"{m * 1000:.1f} ms" if m < 1 else f"{m:.2f} s"
    print(f"| `{cmd.replace('target/release/', '')}` | {shown} | {len(ts)} | {int(rss[cmd]) / 1024:.0f} MB |")
EOF
