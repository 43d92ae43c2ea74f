#!/usr/bin/env bash
# Alternate two or more builds of the N-body kernel benchmark, round after round, so that every
# build sees the same load on this shared machine; print each run and the medians.
# Usage: scripts/bench-ab.sh ROUNDS N BINARY...   e.g.
#   git worktree add /tmp/old <commit> && (cd /tmp/old && bash scripts/build.sh)
#   scripts/bench-ab.sh 15 8192 /tmp/old/build/bin/bench_nbody_kernel build/bin/bench_nbody_kernel
set -euo pipefail
[ $# -ge 3 ] || { echo "usage: $0 ROUNDS N BINARY..." >&2; exit 2; }
rounds=$1 n=$2
shift 2
declare -A runs
for _ in $(seq "$rounds"); do
  for bin in "$@"; do
    # "... 1 thread: 1.222 G interactions/s per CPU second": median of 5 evaluations (best of 5
    # before 2026-11-29)
    runs[$bin]+="$("$bin" "$n" 5 | awk '/1 thread/ {print $(NF-5)}') "
  done
done
uptime
for bin in "$@"; do
  # shellcheck disable=SC2086
  printf '%s N=%s: %s| %s\n' "$bin" "$n" "${runs[$bin]}" \
    "$(printf '%s\n' ${runs[$bin]} | sort -n | awk '{v[NR]=$1} END {print "median", v[int((NR+1)/2)], "min", v[1], "max", v[NR]}')"
done
