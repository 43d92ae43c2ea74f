#!/bin/bash
# rankwise nbody on a workstation: RANKS x THREADS (defaults 2 x 1).
#   RANKS=2 THREADS=2 PARTICLES=16384 STEPS=200 jobs/local/nbody.sh
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-rankwise-nbody-$(date +%Y%m%d-%H%M%S).h5}
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core \
  "$RANKWISE" nbody --ic "${IC:-plummer}" --particles "${PARTICLES:-4096}" --steps "${STEPS:-200}" \
  --dt "${DT:-1e-3}" --snapshot-every "${SNAPSHOT_EVERY:-10}" --threads "$THREADS" -o "$OUT"
