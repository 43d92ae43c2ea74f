"""Fixtures of the Python package tests: the CLI to compare with, and a scratch directory.

ctest sets PYTHONPATH to <build>/python (the package as built) and RANKWISE_BIN to the CLI.
"""
import os
import subprocess
from pathlib import Path

import h5py
import pytest

ENV_MPI = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1", "PMIX_MCA_psec": "native"}


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("RANKWISE_BIN")
    if not path:
        pytest.skip("RANKWISE_BIN is not set (run through ctest)")
    return path


@pytest.fixture
def run_cli(cli, tmp_path):
    """run_cli("pi", "--terms", "1e6") -> the output file, opened (h5py.File)."""
    opened = []

    def run(*args):
        out = tmp_path / f"out{len(opened)}.h5"
        env = dict(os.environ, **ENV_MPI)
        subprocess.run([cli, *args, "-q", "-o", str(out)], check=True, env=env, timeout=120,
                       cwd=tmp_path)
        f = h5py.File(out, "r")
        opened.append(f)
        return f

    yield run
    for f in opened:
        f.close()


def shared_data(name):
    root = Path(os.environ.get("RANKWISE_SHARED_DATA", Path(__file__).parents[3] / "shared/data"))
    return root / name
