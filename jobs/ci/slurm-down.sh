#!/usr/bin/env bash
# Stop the one-node test Slurm started by slurm-up.sh and wait until the daemons are gone.
for d in slurmd slurmctld munged; do pkill -x "$d" 2>/dev/null; done
for i in $(seq 1 20); do
  pgrep -x slurmd >/dev/null || pgrep -x slurmctld >/dev/null || pgrep -x munged >/dev/null || exit 0
  sleep 0.5
done
exit 0
