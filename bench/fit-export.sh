#!/usr/bin/env bash
# Times `simulator fit` on the impression log of docs/fitting.md's speed figure: the export of
# scenarios/fast-forgetting.json with one seed (its 10 strategies x 2,000 users x 100 ticks,
# 18.6M rows, 789 MB), fitted REPS times (default 3). Prints each fit's wall time, processor
# time (user + system) and peak memory, and the fit's own stage-by-stage progress; then deletes
# the export (it is large). Usage: bench/fit-export.sh [REPS] [WORKDIR]
# WORKDIR (default: a temporary folder) needs about 1 GB free. Set SIMULATOR to a command that
# runs a prebuilt simulator (e.g. "dotnet /opt/app/simulator.dll", or an older build to compare)
# to skip building.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-3}"
work="${2:-$(mktemp -d)}"
mkdir -p "$work"
trap 'rm -rf "$work/export" "$work"/fit-*' EXIT

if [ -z "${SIMULATOR:-}" ]; then
  dotnet build src/Simulator.Cli -c Release 2>&1 | tail -n 2
  SIMULATOR="dotnet src/Simulator.Cli/bin/Release/net10.0/simulator.dll"
fi

echo "== export of fast-forgetting.json, one seed"
$SIMULATOR run scenarios/fast-forgetting.json --set seeds=1 --export --out "$work/export" --quiet > /dev/null
wc -l "$work/export/interactions.csv"

timer=()
if [ -x /usr/bin/time ]; then
  timer=(/usr/bin/time -f "wall %e s, processor %U s user + %S s system, peak memory %M KB")
fi

for i in $(seq 1 "$reps"); do
  echo "== fit $i of $reps (load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown))"
  "${timer[@]}" $SIMULATOR fit "$work/export" --out "$work/fit-$i.json" --report "$work/fit-$i" > /dev/null || true
done
