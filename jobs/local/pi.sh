#!/bin/bash
# rankwise pi on a workstation: RANKS x THREADS (defaults 2 x 1).
#   RANKS=2 THREADS=2 TERMS=1e11 jobs/local/pi.sh
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-rankwise-pi-$(date +%Y%m%d-%H%M%S).h5}
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core \
  "$RANKWISE" pi --terms "${TERMS:-1e10}" --threads "$THREADS" -o "$OUT"
