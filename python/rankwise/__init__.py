"""rankwise for Python: the kernels of the `rankwise` CLI on NumPy arrays.

    import rankwise
    rankwise.pi.series(10**9)                      # the same bits as `rankwise pi --terms 1e9`
    sim = rankwise.nbody.Simulation.plummer(20, integrator="rk2")
    sim.run(steps=1000, dt=1e-3)
    rankwise.polygons.areas("countries.shp")       # DataFrame (pandas) or dict of arrays
    rankwise.load("run.h5")                        # any rankwise output file

Kernels release the GIL and use OpenMP threads: `threads=None` means the CLI's default
(OMP_NUM_THREADS, else 1). With mpi4py, `comm=` runs pi rank-decomposed (docs/python.md).
"""
from . import _core
from . import nbody, pi, polygons
from ._load import load

__version__ = _core.__version__
git_commit = _core.git_commit
default_threads = _core.default_threads

__all__ = ["pi", "nbody", "polygons", "load", "default_threads", "__version__"]
