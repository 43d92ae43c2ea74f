#!/bin/bash
# rankwise nbody on a workstation: RANKS x THREADS (defaults 2 x 1).
#   RANKS=2 THREADS=2 PARTICLES=16384 STEPS=200 jobs/local/nbody.sh
#   jobs/local/nbody.sh --integrator rk4                   # extra arguments go to rankwise nbody
#   CHECKPOINT=ck.h5 OUT=run.h5 jobs/local/nbody.sh        # Ctrl-C stops it (exit 75) with a
#                                                          # checkpoint; the same line continues
# Variables [defaults]: PARTICLES [4096] STEPS [200] DT [1e-3] IC [plummer] INTEGRATOR
#   [leapfrog] SOFTENING [0.01] SEED [42] SNAPSHOT_EVERY [10] CHECKPOINT [none; with it
#   --restart auto] CHECKPOINT_WALLTIME [none]   OUT [rankwise-nbody-<date>.h5]   RANKWISE
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-${OUTPUT:-rankwise-nbody-$(date +%Y%m%d-%H%M%S).h5}}
EXTRA=("$@")
ARGS=()
opt() {  # opt VALUE NAME [ALIAS...]: pass NAME VALUE unless an extra argument gives NAME itself
  local value=$1 name=$2 a n; shift
  [ -n "$value" ] || return 0
  for a in "${EXTRA[@]}"; do for n in "$@"; do case $a in "$n" | "$n"=*) return 0 ;; esac; done; done
  ARGS+=("$name" "$value")
}
opt "${IC:-plummer}" --ic
opt "${PARTICLES:-4096}" --particles -N
opt "${STEPS:-200}" --steps
opt "${DT:-1e-3}" --dt
opt "${INTEGRATOR:-leapfrog}" --integrator
opt "${SOFTENING:-0.01}" --softening
opt "${SEED:-42}" --seed
opt "${SNAPSHOT_EVERY:-10}" --snapshot-every
opt "${CHECKPOINT_WALLTIME:-}" --checkpoint-walltime
opt "$THREADS" --threads
opt "$OUT" --output -o
if [ -n "${CHECKPOINT:-}" ]; then opt "$CHECKPOINT" --checkpoint; opt auto --restart; fi
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core "$RANKWISE" nbody "${ARGS[@]}" "$@"
