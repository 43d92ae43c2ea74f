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


def test_nbody_and_polygons_on_two_ranks_give_the_same_bits(run_cli, tmp_path):
    """accelerations, potentials, potential_energy and polygons.areas (arrays, a shapefile and,
    with ogr2ogr, a GeoPackage)
    with comm= on 2 ranks: every rank gets the whole result, equal bit for bit to the call
    without comm here; a bad argument on one rank is a ValueError on both."""
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        pytest.skip("no mpiexec")
    import numpy as np

    shp = tmp_path / "gen.shp"
    run_cli("polygons", "--generate", "45", "--write-shapefile", str(shp))
    extra = []
    if shutil.which("ogr2ogr"):
        subprocess.run(["ogr2ogr", "-f", "GPKG", str(tmp_path / "gen.gpkg"), str(shp)],
                       check=True, timeout=60)
        extra = [str(tmp_path / "gen.gpkg")]
    out = tmp_path / "mpi.npz"
    script = Path(__file__).with_name("mpi_kernels.py")
    env = dict(os.environ, **ENV_MPI, OMPI_MCA_btl_vader_single_copy_mechanism="none")
    p = subprocess.run([mpiexec, "-n", "2", sys.executable, str(script), str(out), str(shp), *extra],
                       capture_output=True, text=True, env=env, timeout=180)
    assert p.returncode == 0, p.stdout + p.stderr
    got = np.load(out)
    assert got["size"][0] == 2

    def same(a, b, what):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, what
        assert a.tobytes() == b.tobytes(), what

    for n in (101, 1):
        b = rankwise.nbody.plummer(n, seed=3)
        pos, m = b["positions"], b["masses"]
        same(got[f"acc{n}"], rankwise.nbody.accelerations(pos, m, softening=0.02), f"acc{n}")
        acc, phi = rankwise.nbody.potentials(pos, m, G=1.5, softening=0.02)
        same(got[f"acc_G{n}"], acc, f"acc_G{n}")
        same(got[f"phi{n}"], phi, f"phi{n}")
        same(got[f"W{n}"], [rankwise.nbody.potential_energy(pos, m, softening=0.02)], f"W{n}")
    assert np.abs(got["acc101"]).max() > 0

    rng = np.random.default_rng(5)  # the script's polygons
    records = 37
    ring_start = np.arange(records + 1, dtype=np.uint64) * 5
    x = np.concatenate([[c, c, c + w, c + w, c] for c, w in zip(rng.uniform(-170, 170, records),
                                                                  rng.uniform(0.1, 9, records))])
    y = np.concatenate([[c, c + h, c + h, c, c] for c, h in zip(rng.uniform(-80, 70, records),
                                                                  rng.uniform(0.1, 9, records))])
    arrays = rankwise.polygons.areas((x, y, ring_start), kind="both", as_frame=False)
    from_file = rankwise.polygons.areas(shp, kind="both", as_frame=False)
    assert len(from_file["area_m2"]) == 45
    tables = [("arrays_", arrays), ("file_", from_file)]
    if extra:
        tables.append(("gpkg_", rankwise.polygons.areas(extra[0], kind="both", as_frame=False)))
    for prefix, table in tables:
        for k in ("area_m2", "area_planar", "perimeter_m", "vertices", "parts"):
            same(got[prefix + k], table[k], prefix + k)
    assert list(got["file_name"]) == [str(s) for s in from_file["name"]]
