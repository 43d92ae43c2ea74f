#!/bin/bash
# rankwise pi on a workstation: RANKS x THREADS (defaults 2 x 1).
#   RANKS=2 THREADS=2 TERMS=1e11 jobs/local/pi.sh
#   jobs/local/pi.sh --method montecarlo --samples 1e9     # extra arguments go to rankwise pi
# Variables [defaults]: METHOD [series] TERMS [1e10] SAMPLES [1e9] SEED [42] TOLERANCE [none]
#   OUT [rankwise-pi-<date>.h5]   RANKWISE [rankwise on PATH]
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-${OUTPUT:-rankwise-pi-$(date +%Y%m%d-%H%M%S).h5}}
EXTRA=("$@")
ARGS=()
opt() {  # opt VALUE NAME [ALIAS...]: pass NAME VALUE unless an extra argument gives NAME itself
  local value=$1 name=$2 a n; shift
  [ -n "$value" ] || return 0
  for a in "${EXTRA[@]}"; do for n in "$@"; do case $a in "$n" | "$n"=*) return 0 ;; esac; done; done
  ARGS+=("$name" "$value")
}
method=${METHOD:-series}
for i in "${!EXTRA[@]}"; do
  case ${EXTRA[i]} in --method=*) method=${EXTRA[i]#*=} ;; --method) method=${EXTRA[i + 1]:-} ;; esac
done
opt "$method" --method
if [ "$method" = montecarlo ]; then opt "${SAMPLES:-1e9}" --samples; opt "${SEED:-42}" --seed
else opt "${TERMS:-1e10}" --terms -n -N; fi
opt "${TOLERANCE:-}" --tolerance
opt "$THREADS" --threads
opt "$OUT" --output -o
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core "$RANKWISE" pi "${ARGS[@]}" "$@"
