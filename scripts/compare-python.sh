#!/bin/bash
# rankwise versus pure Python, numpy, numba (@njit, prange), multiprocessing and mpi4py+numba on the
# same problems (a few minutes); writes results/compare-python/python-comparison.md and
# results/compare-python/img/python-comparison.png (not tracked by git).
#   bash scripts/compare-python.sh                     # rankwise from PATH, else build/bin/rankwise
#   bash scripts/compare-python.sh --update-docs       # refresh docs/python-comparison.md and its figure
#   RANKWISE=/path/to/rankwise bash scripts/compare-python.sh --quick --out /tmp/cmp   # smoke test
# Needs (Debian): python3-numba python3-mpi4py python3-pyshp python3-h5py python3-matplotlib
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${RANKWISE:-}" ]; then
  RANKWISE=$(command -v rankwise || true)
  [ -n "$RANKWISE" ] || RANKWISE=$ROOT/build/bin/rankwise
fi
[ -x "$RANKWISE" ] || { echo "compare-python: no rankwise binary ($RANKWISE): build it or set RANKWISE" >&2; exit 1; }
exec /usr/bin/python3 "$ROOT/bench/python/compare.py" --rankwise "$RANKWISE" "$@"
