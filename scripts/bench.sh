#!/usr/bin/env bash
# Run the pi benchmarks behind docs/performance.md on this machine and print the figures.
# (nbody and polygons: see the commands in docs/performance.md; numba and the other Python
# approaches: scripts/compare-python.sh.) Timings on a shared machine are noisy: medians of repeats,
# and ratios are always taken from runs made back to back in the same invocation.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BUILD=${BUILD_DIR:-$ROOT/build}
[ -x "$BUILD/bin/bench_pi_kernels" ] || { bash "$ROOT/scripts/setup.sh"; bash "$ROOT/scripts/build.sh"; }
RW="$BUILD/bin/rankwise"
AS_ROOT=()
[ "$(id -u)" -ne 0 ] || AS_ROOT=(--allow-run-as-root)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "## machine"
lscpu | grep -E "Model name|^CPU\(s\)|Flags" | sed 's/Flags:.*avx2.*/Flags: ... avx2 fma (no avx512)/' | head -3
echo "simd_target: $("$RW" info | awk '/simd_target /{print $2}')"
echo
echo "## per core (1 process, 1 thread, median of 5)"
"$BUILD/bin/bench_pi_kernels" "${SERIES_N:-4e9}" "${MC_N:-4e8}" 5
echo
N=${SCALING_N:-2e10}
echo "## 1 vs 2 ranks, series N=$N (compute phase of the slowest rank, median of 3 pairs)"
for r in 1 2 3; do
  for ranks in 1 2; do
    mpiexec "${AS_ROOT[@]}" -q -n $ranks "$RW" pi --terms "$N" -q --overwrite -o "$TMP/p$ranks.h5"
    /usr/bin/python3 -c "import h5py,sys; print(sys.argv[2], h5py.File(sys.argv[1])['pi'].attrs['compute_seconds'])" \
      "$TMP/p$ranks.h5" "$ranks" >> "$TMP/times"
  done
done
/usr/bin/python3 - "$TMP/times" <<'PY'
import statistics, sys
t = {1: [], 2: []}
for line in open(sys.argv[1]):
    r, s = line.split(); t[int(r)].append(float(s))
one, two = statistics.median(t[1]), statistics.median(t[2])
print(f"1 rank: {one:.3f} s   2 ranks: {two:.3f} s   speed-up {one / two:.2f}x   (pairs: "
      + ", ".join(f"{a / b:.2f}" for a, b in zip(t[1], t[2])) + ")")
PY
