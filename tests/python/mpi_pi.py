"""Run under mpiexec by test_mpi.py: pi rank-decomposed through mpi4py, printed on rank 0."""
import sys

from mpi4py import MPI

import rankwise

comm = MPI.COMM_WORLD
n, samples = int(sys.argv[1]), int(sys.argv[2])
series = rankwise.pi.series(n, threads=1, comm=comm)
mc = rankwise.pi.montecarlo(samples, seed=7, comm=comm)
# The user's own traffic on the same communicator still works (the library used a duplicate).
total = comm.allreduce(1)
if comm.rank == 0:
    print(series.hex(), mc.hits, total, comm.size)
