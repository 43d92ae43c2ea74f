#!/bin/bash
# Strong and weak scaling of rankwise over MPI ranks x OpenMP threads, one HDF5 file per run.
# The engine behind jobs/{slurm,pbs,local}/scaling.*; usable directly on a workstation:
#   DRIVERS="pi nbody" SCALING_RANKS="1 2 4" SCALING_THREADS="1 2" jobs/scaling/study.sh
#   DRIVERS=nbody jobs/scaling/study.sh --integrator rk4   # arguments go to every rankwise run
# Layout of the results (read by tools/rankwise-report):
#   $OUTDIR/<driver>-<study>/r<ranks>-t<threads>-<repeat>.h5   study = strong | weak
#   $OUTDIR/runs.tsv   one line per run: driver study ranks threads repeat size wall_s file
# Variables (defaults in brackets):
#   RANKWISE [rankwise]   the binary          LAUNCHER [srun inside Slurm, else mpiexec]
#   DRIVERS [pi nbody polygons]               STUDIES [strong weak]
#   SCALING_RANKS [1 2]   SCALING_THREADS [1] REPEATS [3]   (report the median of repeats)
#   MAX_CORES             skip ranks x threads above it [the allocation's cores, else nproc]
#   OUTDIR [rankwise-scaling-<job id or date>]   HOSTFILE  passed to mpiexec (PBS: $PBS_NODEFILE)
# Problem sizes: strong = the size on every run; weak = the size per core (P = ranks x threads):
#   pi       TERMS [2e10]        weak: TERMS x P series terms
#   nbody    PARTICLES [8192]    weak: PARTICLES x sqrt(P) (the work is O(N^2)); STEPS [20]
#   polygons GENERATE [200000]   weak: GENERATE x P synthetic polygons; SHAPEFILE (strong only)
set -euo pipefail
RANKWISE=${RANKWISE:-rankwise}
DRIVERS=${DRIVERS:-pi nbody polygons}
STUDIES=${STUDIES:-strong weak}
SCALING_RANKS=${SCALING_RANKS:-1 2}
SCALING_THREADS=${SCALING_THREADS:-1}
REPEATS=${REPEATS:-3}
TERMS=${TERMS:-2e10}
PARTICLES=${PARTICLES:-8192}
STEPS=${STEPS:-20}
GENERATE=${GENERATE:-200000}
if [ -n "${SLURM_JOB_ID:-}" ]; then
  LAUNCHER=${LAUNCHER:-srun}
  MAX_CORES=${MAX_CORES:-$(( ${SLURM_NTASKS:-1} * ${SLURM_CPUS_PER_TASK:-1} ))}
  ID=$SLURM_JOB_ID
elif [ -n "${PBS_NODEFILE:-}" ]; then
  LAUNCHER=${LAUNCHER:-mpiexec}
  HOSTFILE=${HOSTFILE:-$PBS_NODEFILE}
  MAX_CORES=${MAX_CORES:-$(( $(wc -l < "$PBS_NODEFILE") * ${NCPUS_PER_SLOT:-${OMP_NUM_THREADS:-1}} ))}
  ID=${PBS_JOBID%%.*}
else
  LAUNCHER=${LAUNCHER:-mpiexec}
  MAX_CORES=${MAX_CORES:-$(getconf _NPROCESSORS_ONLN)}   # not nproc: it obeys OMP_NUM_THREADS
  ID=$(date +%Y%m%d-%H%M%S)
fi
OUTDIR=${OUTDIR:-rankwise-scaling-$ID}
mkdir -p "$OUTDIR"
MANIFEST=$OUTDIR/runs.tsv
[ -s "$MANIFEST" ] || printf 'driver\tstudy\tranks\tthreads\trepeat\tsize\twall_s\tfile\n' > "$MANIFEST"
export OMP_PLACES=cores OMP_PROC_BIND=close

launch() {  # launch RANKS THREADS command...
  local ranks=$1 threads=$2; shift 2
  export OMP_NUM_THREADS=$threads
  case $LAUNCHER in
    # Slurm 22.05's srun does not inherit --cpus-per-task: -c is passed explicitly.
    srun) srun ${SRUN_MPI:---mpi=pmix} -n "$ranks" -c "$threads" --cpu-bind=cores "$@" ;;
    mpiexec) mpiexec -n "$ranks" ${HOSTFILE:+--hostfile "$HOSTFILE"} \
               --map-by "slot:PE=$threads" --bind-to core "$@" ;;
    *) echo "study.sh: unknown LAUNCHER=$LAUNCHER (srun or mpiexec)" >&2; return 2 ;;
  esac
}

size_of() {  # size_of DRIVER STUDY CORES -> problem size of this run
  local base
  case $1 in pi) base=$TERMS ;; nbody) base=$PARTICLES ;; polygons) base=$GENERATE ;; esac
  if [ "$2" = strong ]; then awk -v b="$base" 'BEGIN { printf "%.0f", b }'
  elif [ "$1" = nbody ]; then awk -v b="$base" -v p="$3" 'BEGIN { printf "%.0f", b * sqrt(p) }'
  else awk -v b="$base" -v p="$3" 'BEGIN { printf "%.0f", b * p }'; fi
}

for driver in $DRIVERS; do
  for study in $STUDIES; do
    mkdir -p "$OUTDIR/$driver-$study"
    for threads in $SCALING_THREADS; do
      for ranks in $SCALING_RANKS; do
        cores=$(( ranks * threads ))
        if [ "$cores" -gt "$MAX_CORES" ]; then
          echo "study.sh: skip $driver $study ${ranks}x$threads: $cores cores > MAX_CORES=$MAX_CORES"
          continue
        fi
        n=$(size_of "$driver" "$study" "$cores")
        case $driver in
          pi) args=(pi --terms "$n") ;;
          nbody) args=(nbody --particles "$n" --steps "$STEPS" --snapshot-every "$STEPS") ;;
          polygons)
            if [ "$study" = strong ] && [ -n "${SHAPEFILE:-}" ]; then args=(polygons "$SHAPEFILE")
            else args=(polygons --generate "$n"); fi ;;
          *) echo "study.sh: unknown driver $driver" >&2; exit 2 ;;
        esac
        for repeat in $(seq 1 "$REPEATS"); do
          out=$OUTDIR/$driver-$study/r$ranks-t$threads-$repeat.h5
          echo "study.sh: $driver $study ranks=$ranks threads=$threads size=$n repeat=$repeat -> $out"
          t0=$(date +%s.%N)
          launch "$ranks" "$threads" "$RANKWISE" "${args[@]}" --threads "$threads" --quiet \
            --overwrite -o "$out" "$@"
          t1=$(date +%s.%N)
          printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$driver" "$study" "$ranks" "$threads" "$repeat" \
            "$n" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" \
            "$driver-$study/r$ranks-t$threads-$repeat.h5" >> "$MANIFEST"
        done
      done
    done
  done
done
echo "study.sh: results in $OUTDIR (plots: tools/rankwise-report $OUTDIR -o report/)"
