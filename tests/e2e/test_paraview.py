"""The XDMF sidecar in ParaView: one small nbody run, then one pvpython process
(paraview/open_sidecar.py under xvfb-run) opens run.xdmf with ParaView's default reader and with
the legacy "XDMF Reader"; both are compared with the trajectory h5py reads. Skipped when pvpython
or xvfb-run is missing (scripts/setup.sh installs paraview, python3-paraview and xvfb)."""
import json
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import check_sidecar, run

SCRIPT = Path(__file__).with_name("paraview") / "open_sidecar.py"

pytestmark = pytest.mark.skipif(
    shutil.which("pvpython") is None or shutil.which("xvfb-run") is None,
    reason="pvpython or xvfb-run not installed (scripts/setup.sh: paraview python3-paraview xvfb)")


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    """(what each ParaView reader read, h5py's times/positions/velocities) for one run."""
    tmp = tmp_path_factory.mktemp("paraview")
    out = tmp / "run.h5"
    r = run(["nbody", "-o", out, "--quiet", "--ic", "uniform", "--particles", 11, "--steps", 25,
             "--snapshot-every", 10], ranks=2)
    assert r.returncode == 0, r.stdout + r.stderr
    p = subprocess.run(["xvfb-run", "-a", "pvpython", str(SCRIPT), str(out.with_suffix(".xdmf"))],
                       capture_output=True, text=True, timeout=240)
    lines = [l for l in p.stdout.splitlines() if l.startswith("RESULT ")]
    assert p.returncode == 0 and lines, p.stdout + p.stderr
    with h5py.File(out) as f:
        g = f["nbody"]
        truth = {"times": g["time"][:], "positions": g["positions"][:],
                 "velocities": g["velocities"][:], "masses": g["masses"][:]}
    assert check_sidecar(out) == 4
    return json.loads(lines[-1][len("RESULT "):]), truth


def check_frames(read, truth):
    np.testing.assert_array_equal(read["times"], truth["times"])  # the sidecar's 17 digits
    n = truth["positions"].shape[1]
    for key, f in (("first", 0), ("last", -1)):
        frame = read[key]
        assert frame["points"] == n, f"{read['reader']} read {frame['points']} points, not {n}"
        # VTK keeps the file's doubles: exact.
        np.testing.assert_array_equal(np.array(frame["positions"]), truth["positions"][f])
        np.testing.assert_array_equal(np.array(frame["velocities"]), truth["velocities"][f])


def test_legacy_xdmf_reader(opened):
    read, truth = opened
    assert read["legacy"]["reader"] == "XdmfReader"
    check_frames(read["legacy"], truth)
    assert read["legacy"]["first"]["cells"] == truth["positions"].shape[1]  # one vertex each


def test_default_reader_is_xdmf3(opened):
    read, _ = opened
    assert read["default"]["reader"] == "Xdmf3ReaderS"


def test_default_reader_reads_the_trajectory(opened):
    read, truth = opened
    check_frames(read["default"], truth)
    assert read["default"]["first"]["cells"] == truth["positions"].shape[1]  # drawn: one vertex each


def test_default_reader_with_a_relative_path(opened):
    read, truth = opened
    assert read["default_relative"]["reader"] == "Xdmf3ReaderS"
    check_frames(read["default_relative"], truth)


def test_both_readers_read_the_masses(opened):
    read, truth = opened
    for reader in ("default", "legacy"):
        for key in ("first", "last"):
            np.testing.assert_array_equal(read[reader][key]["masses"], truth["masses"])
