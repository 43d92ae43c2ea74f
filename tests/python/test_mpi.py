"""comm= with mpi4py: `mpiexec -n 2 python3 mpi_pi.py` gives the single-process bits."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import rankwise
from conftest import ENV_MPI

pytest.importorskip("mpi4py")


def test_two_ranks_give_the_same_bits():
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("no mpiexec")
    n, samples = 3_000_017, 1_000_001
    script = Path(__file__).with_name("mpi_pi.py")
    env = dict(os.environ, **ENV_MPI, OMPI_MCA_btl_vader_single_copy_mechanism="none")
    out = subprocess.run([mpiexec, "-n", "2", sys.executable, str(script), str(n), str(samples)],
                         check=True, capture_output=True, text=True, env=env, timeout=120)
    series, hits, total, size = out.stdout.split()
    assert (total, size) == ("2", "2")
    assert series == rankwise.pi.series(n).hex()
    assert int(hits) == rankwise.pi.montecarlo(samples, seed=7).hits
