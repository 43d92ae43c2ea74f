#!/bin/bash
# rankwise polygons on a workstation: RANKS x THREADS (defaults 2 x 1).
#   SHAPEFILE=countries.shp jobs/local/polygons.sh
#   GENERATE=100000 RANKS=2 jobs/local/polygons.sh      # synthetic set (default without SHAPEFILE)
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-rankwise-polygons-$(date +%Y%m%d-%H%M%S).h5}
if [ -n "${SHAPEFILE:-}" ]; then INPUT=("$SHAPEFILE"); else INPUT=(--generate "${GENERATE:-20000}"); fi
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core \
  "$RANKWISE" polygons "${INPUT[@]}" --area "${AREA:-auto}" --threads "$THREADS" -o "$OUT"
