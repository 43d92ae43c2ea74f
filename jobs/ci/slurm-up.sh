#!/usr/bin/env bash
# Start a one-node Slurm (munged, slurmctld, slurmd) on this machine for testing the job
# scripts for real: NodeName=localhost, one partition, cons_tres, proctrack/linuxproc.
# Idempotent; needs root (CI). Stop with jobs/ci/slurm-down.sh.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=()
for p in slurm-wlm munge; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || pkgs+=("$p")
done
if [ ${#pkgs[@]} -gt 0 ]; then apt-get update -qq; apt-get install -y -qq "${pkgs[@]}"; fi

# The node's shape as slurmd itself sees the hardware (not `nproc`: it obeys OMP_NUM_THREADS,
# and a node declared with fewer CPUs than slurmd finds leaves 2-task jobs pending forever).
HW=$(slurmd -C | head -n 1)
field() { sed -n "s/.*[[:space:]]$1=\([0-9]*\).*/\1/p" <<<"$HW"; }
CPUS=$(field CPUs); SOCKETS=$(field SocketsPerBoard); CORES=$(field CoresPerSocket)
THREADS=$(field ThreadsPerCore)
MEM=$(( $(field RealMemory) - 1024 ))
[ -n "$CPUS" ] && [ -n "$SOCKETS" ] && [ -n "$CORES" ] && [ -n "$THREADS" ] || {
  echo "slurm-up: cannot read the hardware from 'slurmd -C': $HW" >&2; exit 1; }
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm /run/munge
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=rankwise-ci
SlurmctldHost=localhost
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
SlurmUser=root
SlurmdUser=root
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=localhost CPUs=$CPUS Sockets=$SOCKETS CoresPerSocket=$CORES ThreadsPerCore=$THREADS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
[ -s /etc/munge/munge.key ] || /usr/sbin/mungekey --create --force 2>/dev/null || \
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chown munge:munge /etc/munge/munge.key /run/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
# Each daemon forks into the background; the timeouts only guard against a wedged start.
pgrep -x munged >/dev/null || timeout 20 su -s /bin/sh munge -c /usr/sbin/munged </dev/null \
  || timeout 20 /usr/sbin/munged --force </dev/null
# slurmctld and slurmd are always restarted, so they run with the configuration written above;
# -c: a clean start, no node or job state recovered from an earlier run.
for d in slurmd slurmctld; do pkill -x "$d" 2>/dev/null || true; done
for i in $(seq 1 40); do pgrep -x slurmd >/dev/null || pgrep -x slurmctld >/dev/null || break; sleep 0.5; done
timeout 20 /usr/sbin/slurmctld -c </dev/null
timeout 20 /usr/sbin/slurmd -c </dev/null
for i in $(seq 1 60); do
  # Idle, and registered with the CPUs declared (CPUTot is what slurmd reported).
  if sinfo -h -o "%T" 2>/dev/null | grep -qE "^idle" && \
     scontrol show node localhost 2>/dev/null | grep -q "CPUTot=$CPUS "; then
    echo "slurm-up: node idle with $CPUS CPUs after ${i}s"; sinfo; exit 0
  fi
  scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true
  sleep 1
done
echo "slurm-up: node did not become idle" >&2
sinfo >&2 || true
tail -n 20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
exit 1
