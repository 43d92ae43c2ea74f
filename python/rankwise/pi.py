"""pi by the midpoint series or Monte Carlo, as `rankwise pi` computes it."""
from typing import NamedTuple

from . import _core
from ._mpi import handle


def series(n, threads=None, comm=None):
    """pi_N = 4/N sum_{i=1..N} 1/(1 + ((i - 0.5)/N)^2), correctly rounded.

    The same float as `rankwise pi --terms N` on any number of ranks and threads.
    n: terms, 1 <= n <= 2**52. threads: OpenMP threads (None: OMP_NUM_THREADS, else 1).
    comm: an mpi4py communicator; every rank of it must call, each sums its block of chunks.
    """
    return _core.pi_series(int(n), threads, handle(comm))


class MonteCarlo(NamedTuple):
    """A Monte Carlo estimate: 4 hits / samples and its standard error."""

    estimate: float
    std_error: float
    hits: int
    samples: int


def montecarlo(samples, seed=42, threads=None, comm=None):
    """Samples [0, samples) of Philox4x32-10 keyed by `seed`: the hits of `rankwise pi
    --method montecarlo --samples S --seed SEED` for any ranks and threads.

    comm: an mpi4py communicator; every rank of it must call (each counts its block).
    """
    samples = int(samples)
    hits = _core.pi_montecarlo_hits(samples, int(seed), threads, handle(comm))
    estimate, std_error = _core.pi_montecarlo_estimate(hits, samples)
    return MonteCarlo(estimate, std_error, hits, samples)
