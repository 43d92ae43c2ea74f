#!/bin/bash
# Hermite block steps over ranks: wall time, the slowest rank's compute / communicate / idle,
# and bitwise equality with the 1-rank run (every rank count must give the same bits).
# usage: bash bench/hermite_scaling.sh build/bin/rankwise [N=8192] [T_END=0.125] [RANKS="1 2"]
# More ranks than cores measure correctness, not speed (run as root: see tests' environment).
B=$1; N=${2:-8192}; T=${3:-0.125}; RANKS=${4:-"1 2"}
D=${TMPDIR:-/tmp}/bench_hermite_scaling; mkdir -p $D
for np in $RANKS; do
  t0=$(date +%s.%N)
  mpiexec -n $np --bind-to none $B nbody --integrator hermite -N $N --softening 0.001 \
    --t-end $T --snapshot-dt $T -o $D/np$np.h5 --overwrite -q
  t1=$(date +%s.%N)
  /usr/bin/python3 - $D $np "$(echo "$t1 - $t0" | bc)" <<'PY'
import sys, h5py, numpy as np
d, np_, wall = sys.argv[1], sys.argv[2], float(sys.argv[3])
f = h5py.File(f"{d}/np{np_}.h5"); g = f["nbody"]
t = f["timings/seconds"][:]
ph = [p.decode() if isinstance(p, bytes) else p for p in f["timings/phases"][:]]
slow = {p: t[:, i].max() for i, p in enumerate(ph)}
same = "-"
if np_ != "1":
    ref = h5py.File(f"{d}/np1.h5")["nbody"]
    same = "same bits" if all(np.array_equal(ref[k][()], g[k][()]) for k in ["positions", "velocities", "energy"]) else "DIFFERENT"
print(f"ranks={np_}  wall {wall:.2f} s  compute {slow['compute']:.2f}  communicate {slow['communicate']:.2f}  "
      f"idle {slow['idle']:.2f}  blocks {g.attrs['blocks']}  particle steps {g.attrs['particle_steps']}  {same}")
PY
done
