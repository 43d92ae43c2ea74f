#!/usr/bin/env bash
# Set up, build, and run the whole test suite (unit, MPI at 1-4 ranks, end-to-end).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build.sh"
cd "$ROOT/build"
ctest --output-on-failure -j "$(nproc)" "$@"
