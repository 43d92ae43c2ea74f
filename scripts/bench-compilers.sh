#!/usr/bin/env bash
# GCC vs clang per kernel on this CPU (issue #15): the benchmark binaries of two builds of the
# same source, alternated round after round (every build sees the same load), on the CPU's best
# Highway target and on AVX2 (BENCH_TARGET); prints each kernel's medians per compiler and
# whether the results' bits (hashes printed by the benchmarks) are the same.
# Usage: scripts/bench-compilers.sh [ROUNDS=3]
#   GCC_BUILD=build CLANG_BUILD=build-clang (build-clang: BUILD_DIR=build-clang
#   CC=clang CXX=clang++ bash scripts/build.sh -DRANKWISE_BUILD_PYTHON=OFF)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ROUNDS=${1:-3}
declare -A DIR=([gcc]="${GCC_BUILD:-$ROOT/build}/bin" [clang]="${CLANG_BUILD:-$ROOT/build-clang}/bin")
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
lscpu | grep "Model name"
best=$("${DIR[gcc]}/bench_pi_kernels" 1e6 1e6 1 | awk '/simd_target/ {print $2}')
for _ in $(seq "$ROUNDS"); do
  for t in "$best" AVX2; do
    for c in gcc clang; do
      BENCH_TARGET=$t "${DIR[$c]}/bench_pi_kernels" "${SERIES_N:-1e9}" "${MC_N:-2e8}" 3 |
        sed "s/^/$c $t pi /" >> "$OUT"
      BENCH_TARGET=$t "${DIR[$c]}/bench_nbody_kernel" "${NBODY_N:-8192}" 5 |
        sed "s/^/$c $t nbody /" >> "$OUT"
      # polygons: the planar kernel is dispatched; geodesic areas are scalar code
      BENCH_TARGET=$t "${DIR[$c]}/bench_polygons" kernels "${POLY_V:-2000000}" |
        sed "s/^/$c $t poly /" >> "$OUT"
    done
  done
done
uptime
/usr/bin/python3 - "$OUT" <<'PY'
import re, statistics, sys
rates, hashes = {}, {}
pats = {
    "pi": [("series", r"series_full_accuracy .* ([\d.]+) G terms/s"),
           ("scalar C loop", r"scalar_c_loop .* ([\d.]+) G terms/s"),
           ("Monte Carlo", r"montecarlo_philox .* ([\d.]+) G samples/s")],
    "nbody": [("N-body", r"1 thread: ([\d.]+) G interactions"),
              ("N-body hand kernel", r"hand kernel .*: ([\d.]+) G pairs")],
    "poly": [("polygons geodesic", r"geodesic  measure\(\).* = ([\d.]+) M"),
             ("polygons planar measure", r"planar    measure\(\).* = ([\d.]+) M"),
             ("polygons planar kernel", r"planar    kernel .* = ([\d.]+) M")],
}
hpats = {"pi": [r"(\d+) hits", r"first \d+ chunks  (\w+)"], "nbody": [r"forces_hash .* (\w+)$"],
         "poly": [r"results_hash (.*)$"]}
for line in open(sys.argv[1]):
    c, t, k, rest = line.rstrip("\n").split(" ", 3)
    for name, p in pats[k]:
        m = re.search(p, rest)
        if m: rates.setdefault((name, t), {}).setdefault(c, []).append(float(m.group(1)))
    for p in hpats[k]:
        m = re.search(p, rest)
        if m: hashes.setdefault((k, t, p), {}).setdefault(c, set()).add(m.group(1))
print("| kernel | target | GCC 12 | clang 14 | clang / GCC |")
print("|---|---|---|---|---|")
for (name, t), v in rates.items():
    g, c = statistics.median(v["gcc"]), statistics.median(v["clang"])
    rng = lambda x: f"{min(x):.3g}–{max(x):.3g}"
    print(f"| {name} | {t} | {g:.3g} ({rng(v['gcc'])}) | {c:.3g} ({rng(v['clang'])}) | {c / g:.2f} |")
for (k, t, p), v in hashes.items():
    same = v["gcc"] == v["clang"] and len(v["gcc"]) == 1
    print(f"{k} {t} results: {'same bits' if same else 'DIFFER'} (gcc {sorted(v['gcc'])}, clang {sorted(v['clang'])})")
PY
