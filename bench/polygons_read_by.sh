#!/bin/bash
# --read-by ranks vs root (and 1 rank) on a shapefile, planar and geodesic, alternating rounds;
# prints the slowest rank's phases from /timings (docs/performance.md).
# usage: bash bench/polygons_read_by.sh build/bin/rankwise FILE.shp [ROUNDS]
# (make a 10 M-vertex file: rankwise polygons --generate 156250 --vertices 64 --write-shapefile p10m.shp)
B=$1; F=$2; R=${3:-3}
for round in $(seq $R); do
 for area in planar geodesic; do
  for cfg in "1 ranks" "2 ranks" "2 root"; do
   set -- $cfg
   t0=$(date +%s.%N)
   mpiexec -n $1 $B polygons $F --area $area --read-by $2 -o ${TMPDIR:-/tmp}/bench_read_by.h5 --overwrite -q
   t1=$(date +%s.%N)
   /usr/bin/python3 - "$area" "$1" "$2" "$(echo "$t1 - $t0" | bc)" <<'PY'
import sys,h5py
area,n,how,proc=sys.argv[1:]
import os; f=h5py.File(os.environ.get('TMPDIR','/tmp')+'/bench_read_by.h5'); t=f['timings/seconds'][:]; ph=[p.decode() if isinstance(p,bytes) else p for p in f['timings/phases'][:]]
d={p:t[:,i].max() for i,p in enumerate(ph)}
print(f"{area:9s} n={n} {how:5s} process {float(proc):.3f}s  " + " ".join(f"{p}={d[p]:.3f}" for p in ['read','communicate','compute','idle','write']))
PY
  done
 done
done
