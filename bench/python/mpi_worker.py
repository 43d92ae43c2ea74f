"""The mpi4py + numba variants, run as `mpiexec -n P /usr/bin/python3 mpi_worker.py PROBLEM ...`.
Rank 0 prints one JSON line: {"seconds": median over repeats, "result": ...}. Compilation is
done (and excluded) before timing; every repeat starts and ends with a barrier."""
import json
import sys
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).resolve().parent))
import impls  # noqa: E402

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()


def block(n, r=rank, p=size):
    """Contiguous block [lo, hi) of range(n) for rank r of p."""
    return n * r // p, n * (r + 1) // p


def pi_series(n):
    lo, hi = block(n)
    s = impls.series_numba(n, lo + 1, hi)
    return 4.0 * comm.allreduce(s) / n


def montecarlo(n, seed):
    lo, hi = block(n)
    hits = impls.mc_numba(hi - lo, seed * 1000 + rank)
    return 4.0 * comm.allreduce(hits) / n


def nbody(n, steps, dt):
    x, v, m = impls.nbody_initial(n)
    lo, hi = block(n)
    counts = [3 * (block(n, r)[1] - block(n, r)[0]) for r in range(size)]
    xg = np.empty((n, 3))
    own = np.empty((hi - lo, 3))

    def acc(x_own):
        comm.Allgatherv(np.ascontiguousarray(x_own), [xg, counts])  # everyone needs all positions
        impls.acc_rows_numba(xg, m, lo, hi, own)
        return own.copy()

    xo, vo = x[lo:hi].copy(), v[lo:hi].copy()
    for _ in range(steps):
        a = acc(xo)
        xh = xo + 0.5 * dt * vo
        vh = vo + 0.5 * dt * a
        ah = acc(xh)
        xo = xo + dt * vh
        vo = vo + dt * ah
    return float(comm.allreduce(float(np.sum(xo))))


def shoelace(path):
    records = impls.read_shapefile(path)  # every rank reads the file (what users do)
    lo, hi = block(len(records))
    x, y, ring, rec = impls.flatten(records)
    t0 = time.perf_counter()
    areas = impls.shoelace_numba(x, y, ring, rec, lo, hi)
    total = comm.allreduce(float(np.sum(areas)))
    return total, time.perf_counter() - t0


def timed(f, repeats):
    times, result = [], None
    for _ in range(repeats):
        comm.Barrier()
        t0 = time.perf_counter()
        result = f()
        comm.Barrier()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2], result


if __name__ == "__main__":
    problem, args, repeats = sys.argv[1], sys.argv[2:], 3
    if problem == "series":
        n = int(float(args[0]))
        pi_series(1000)
        seconds, result = timed(lambda: pi_series(n), repeats)
    elif problem == "montecarlo":
        n = int(float(args[0]))
        montecarlo(1000, 1)
        seconds, result = timed(lambda: montecarlo(n, 1), repeats)
    elif problem == "nbody":
        n, steps = int(args[0]), int(args[1])
        nbody(16, 1, 1e-3)
        seconds, result = timed(lambda: nbody(n, steps, 1e-3), repeats)
    elif problem == "shoelace":
        shoelace(args[0])  # compile
        runs = [shoelace(args[0]) for _ in range(repeats)]  # compute only, the read is excluded
        seconds = sorted(comm.allreduce(t, op=MPI.MAX) for _, t in runs)[repeats // 2]
        result = runs[0][0]
    else:
        raise SystemExit(f"unknown problem {problem}")
    if rank == 0:
        print(json.dumps({"seconds": seconds, "result": result, "ranks": size}))
