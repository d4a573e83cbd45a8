#!/usr/bin/env bash
# GPU check in one go, sized to finish in under 5 minutes on one CUDA GPU:
#   1. build (when a .NET SDK is present) and run the CUDA parity tests (tests/Simulator.Gpu.Tests, Category=Gpu);
#   2. `simulator check --device cuda`: every kernel against the scalar reference engine;
#   3. `simulator bench --device cuda` at tick-1M (1M users x 1K items) and at 10M users x 10K items,
#      each with score_topk_prefiltered (the int8 dp4a prefilter) beside the tick, checked bit for bit
#      against score_topk (gpu_prefilter_matches_fp32 in bench.json);
#   4. the quickstart scenario on cuda and on cpu, and the difference of their summaries.
# Results go to one folder: $1, else $OUT/gpu-check (device machines), else results/gpu-check-<time>.
# Set SIMULATOR to a command that runs a prebuilt simulator (e.g. "dotnet /opt/app/simulator.dll")
# to skip building; then the xunit parity tests are skipped too (they need the SDK).
set -uo pipefail
cd "$(dirname "$0")/.."
dest="${1:-${OUT:+$OUT/gpu-check}}"
dest="${dest:-results/gpu-check-$(date -u +%Y%m%d-%H%M%S)}"
mkdir -p "$dest"
status=0
step() { echo "== $*" | tee -a "$dest/log.txt"; }

if [ -z "${SIMULATOR:-}" ]; then
  step "build"
  dotnet build -c Release 2>&1 | tail -n 3 | tee -a "$dest/log.txt" || exit 1
  step "CUDA parity tests"
  dotnet test tests/Simulator.Gpu.Tests -c Release --no-build --filter "Category=Gpu" 2>&1 | tail -n 5 | tee -a "$dest/log.txt" || status=1
  SIMULATOR="dotnet src/Simulator.Cli/bin/Release/net10.0/simulator.dll"
fi
sim() { $SIMULATOR "$@"; }

step "nvidia-smi"
(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv 2>&1 || true) | tee -a "$dest/log.txt"
step "list devices"
sim list devices 2>&1 | tee -a "$dest/log.txt"
step "check --device cuda"
sim check --device cuda 2>&1 | tee "$dest/check.txt" | tee -a "$dest/log.txt" || status=1
step "bench tick-1M on cuda"
sim bench --device cuda --users 1e6 --items 1000 --reps 5 --quiet --out "$dest/bench-1m" 2>&1 | tee -a "$dest/log.txt" || status=1
step "bench 10M users x 10K items on cuda"
sim bench --device cuda --users 1e7 --items 1e4 --reps 3 --quiet --out "$dest/bench-10m" 2>&1 | tee -a "$dest/log.txt" || status=1
step "int8 prefilter on cuda"
grep -h "score_topk\(_prefiltered\)\? \|score_topk_prefiltered (" "$dest"/bench-1m/bench.md "$dest"/bench-10m/bench.md 2>/dev/null | tee -a "$dest/log.txt"
grep -q '"gpu_prefilter_matches_fp32": false' "$dest"/bench-*/bench.json 2>/dev/null && status=1
step "quickstart on cuda and cpu"
sim run scenarios/quickstart.json --device cuda --quiet --out "$dest/quickstart-cuda" > "$dest/quickstart-cuda.txt" 2>&1 || status=1
sim run scenarios/quickstart.json --device cpu --quiet --out "$dest/quickstart-cpu" > "$dest/quickstart-cpu.txt" 2>&1 || status=1
tail -n 8 "$dest/quickstart-cuda.txt" | tee -a "$dest/log.txt"
tail -n 8 "$dest/quickstart-cpu.txt" | tee -a "$dest/log.txt"
if cmp -s "$dest/quickstart-cuda/summary.json" "$dest/quickstart-cpu/summary.json"; then
  step "quickstart summaries: byte-identical"
else
  step "quickstart summaries differ (float rounding on the GPU can flip near-tied choices); see the tables above"
fi
step "done (status $status): $dest"
exit "$status"
