"""Run under mpiexec by test_mpi.py: the nbody and polygons kernels rank-decomposed through
mpi4py. Every rank checks that it got the whole result and that it equals rank 0's bit for
bit; rank 0 saves it (np.savez) for the test to compare with the calls without comm.

usage: mpi_kernels.py OUT.npz SHAPEFILE.shp [LAYER.gpkg]
"""
import sys

import numpy as np
from mpi4py import MPI

import rankwise

comm = MPI.COMM_WORLD
out, shp = sys.argv[1], sys.argv[2]
gpkg = sys.argv[3] if len(sys.argv) > 3 else None
results = {}

for n in (101, 1):  # uneven blocks; a rank with no particle
    b = rankwise.nbody.plummer(n, seed=3)
    pos, m = b["positions"], b["masses"]
    acc = rankwise.nbody.accelerations(pos, m, softening=0.02, threads=1, comm=comm)
    acc2, phi = rankwise.nbody.potentials(pos, m, G=1.5, softening=0.02, threads=2, comm=comm)
    results[f"acc{n}"], results[f"acc_G{n}"], results[f"phi{n}"] = acc, acc2, phi
    results[f"W{n}"] = np.array([rankwise.nbody.potential_energy(pos, m, softening=0.02, comm=comm)])

rng = np.random.default_rng(5)
records = 37
ring_start = np.arange(records + 1, dtype=np.uint64) * 5
x = np.concatenate([[c, c, c + w, c + w, c] for c, w in zip(rng.uniform(-170, 170, records),
                                                              rng.uniform(0.1, 9, records))])
y = np.concatenate([[c, c + h, c + h, c, c] for c, h in zip(rng.uniform(-80, 70, records),
                                                              rng.uniform(0.1, 9, records))])
arrays = rankwise.polygons.areas((x, y, ring_start), kind="both", as_frame=False, comm=comm)
from_file = rankwise.polygons.areas(shp, kind="both", as_frame=False, comm=comm)
tables = [("arrays_", arrays), ("file_", from_file)]
if gpkg:  # read through the GDAL module by every rank
    tables.append(("gpkg_", rankwise.polygons.areas(gpkg, kind="both", as_frame=False, comm=comm)))
for prefix, table in tables:
    for k in ("area_m2", "area_planar", "perimeter_m", "vertices", "parts"):
        results[prefix + k] = np.asarray(table[k])
results["file_name"] = np.array([str(s) for s in from_file["name"]])

# Every rank holds the whole result, the same bits as rank 0's.
mine = {k: v.tobytes() for k, v in results.items()}
assert comm.allgather(mine)[0] == mine, f"rank {comm.rank} differs from rank 0"
failed = None
try:  # an error one rank meets is raised on every rank
    bad = ring_start.copy() if comm.rank == 0 else ring_start
    if comm.rank == 0:
        bad[-1] += 1
    rankwise.polygons.areas((x, y, bad), as_frame=False, comm=comm)
except ValueError as e:
    failed = str(e)
assert comm.allgather(failed is not None) == [True] * comm.size
if comm.rank == 0:
    np.savez(out, **results, size=np.array([comm.size]))
    print("saved", comm.size)
