#!/bin/bash
# Strong + weak scaling study of rankwise on a workstation (jobs/scaling/study.sh via mpiexec):
#   jobs/local/scaling.sh                                 # pi, nbody, polygons at 1 and 2 ranks
#   SCALING_RANKS="1 2 4" SCALING_THREADS="1 2" REPEATS=5 DRIVERS=nbody jobs/local/scaling.sh
#   DRIVERS=nbody jobs/local/scaling.sh --integrator rk4  # extra arguments go to every rankwise run
# Results: rankwise-scaling-<date>/ in the current directory; plots with tools/rankwise-report.
set -euo pipefail
export LAUNCHER=mpiexec
exec bash "$(dirname "${BASH_SOURCE[0]}")/../scaling/study.sh" "$@"   # extra arguments: every run
