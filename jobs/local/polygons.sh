#!/bin/bash
# rankwise polygons on a workstation: RANKS x THREADS (defaults 2 x 1).
#   SHAPEFILE=countries.shp jobs/local/polygons.sh
#   GENERATE=100000 RANKS=2 jobs/local/polygons.sh      # synthetic set (default without SHAPEFILE)
#   SHAPEFILE=countries.shp jobs/local/polygons.sh --area both   # extra arguments
# Variables [defaults]: SHAPEFILE GENERATE [20000] AREA [auto] NAME_FIELD [NAME/name/Name]
#   OUT [rankwise-polygons-<date>.h5]   RANKWISE [rankwise on PATH]
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
RANKS=${RANKS:-2}
THREADS=${THREADS:-1}
export OMP_NUM_THREADS=$THREADS OMP_PLACES=cores OMP_PROC_BIND=close
OUT=${OUT:-${OUTPUT:-rankwise-polygons-$(date +%Y%m%d-%H%M%S).h5}}
EXTRA=("$@")
ARGS=()
opt() {  # opt VALUE NAME [ALIAS...]: pass NAME VALUE unless an extra argument gives NAME itself
  local value=$1 name=$2 a n; shift
  [ -n "$value" ] || return 0
  for a in "${EXTRA[@]}"; do for n in "$@"; do case $a in "$n" | "$n"=*) return 0 ;; esac; done; done
  ARGS+=("$name" "$value")
}
if [ -n "${SHAPEFILE:-}" ]; then ARGS=("$SHAPEFILE"); else opt "${GENERATE:-20000}" --generate; fi
opt "${AREA:-auto}" --area
opt "${NAME_FIELD:-}" --name-field
opt "$THREADS" --threads
opt "$OUT" --output -o
mpiexec -n "$RANKS" --map-by "slot:PE=$THREADS" --bind-to core "$RANKWISE" polygons "${ARGS[@]}" "$@"
