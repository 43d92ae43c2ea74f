"""End-to-end tests of `rankwise nbody`: HDF5 schema and XDMF sidecar, Kepler orbit from an IC
file, bitwise equality over ranks x threads, restart equality, and clean failures."""
import xml.etree.ElementTree as ET
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import assert_clean_failure, check_sidecar, run


def nbody(tmp_path, name, args, ranks=1, threads=1):
    out = tmp_path / name
    r = run(["nbody", "-o", out, "--quiet", "--threads", threads] + list(args), ranks=ranks)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def write_ic(path, pos, vel, mass):
    with h5py.File(path, "w") as f:
        f["positions"] = np.asarray(pos, dtype=float)
        f["velocities"] = np.asarray(vel, dtype=float)
        f["masses"] = np.asarray(mass, dtype=float)
    return path


def kepler_ic(path, e=0.5):
    """m = (0.75, 0.25), a = 1, G M = 1: period 2 pi; starts at apocentre, centre of mass at rest."""
    m = np.array([0.75, 0.25])
    r, v = 1 + e, np.sqrt((1 - e) / (1 + e))
    pos = [[-m[1] * r, 0, 0], [m[0] * r, 0, 0]]
    vel = [[0, -m[1] * v, 0], [0, m[0] * v, 0]]
    return write_ic(path, pos, vel, m)


def test_schema_attributes_and_xdmf(tmp_path):
    out = nbody(tmp_path, "run.h5", ["--ic", "uniform", "--particles", 37, "--steps", 25,
                                     "--snapshot-every", 10, "--integrator", "rk2",
                                     "--softening", 0.05], ranks=2)
    with h5py.File(out) as f:
        g = f["nbody"]
        assert g["positions"].shape == (4, 37, 3)  # steps 0, 10, 20, 25
        assert g["velocities"].shape == (4, 37, 3)
        assert g["positions"].chunks is not None
        np.testing.assert_allclose(g["time"][:], [0, 0.01, 0.02, 0.025])
        for name in ("energy", "kinetic_energy", "potential_energy"):
            assert g[name].shape == (4,)
        assert g["momentum"].shape == (4, 3) and g["center_of_mass"].shape == (4, 3)
        np.testing.assert_array_equal(g["masses"][:], np.ones(37))
        np.testing.assert_allclose(g["energy"][:], g["kinetic_energy"][:] + g["potential_energy"][:])
        a = g.attrs
        assert a["integrator"] == "rk2" and a["dt"] == 1e-3 and a["G"] == 1.0
        assert a["softening"] == 0.05 and a["particles"] == 37 and a["steps"] == 25
        # 25 steps x 2 + the diagnostic passes of the 4 frames.
        assert a["force_evaluations"] == 25 * 2 + 4
        assert "timings" in f and f["timings/seconds"].shape == (2, 6)
    doc = ET.parse(out.with_suffix(".xdmf")).getroot()
    grids = doc.findall("./Domain/Grid/Grid")
    assert len(grids) == 4
    assert float(grids[3].find("Time").get("Value")) == pytest.approx(0.025)
    refs = {item.text for item in doc.iter("DataItem") if item.get("Format") == "HDF"}
    # Per-frame views (HDF5 virtual datasets), which both ParaView readers read.
    views = {f"run.h5:/nbody/frames/000000/{a}_{k:06d}" for a in ("positions", "velocities")
             for k in range(4)}
    assert refs == views | {"run.h5:/nbody/particle", "run.h5:/nbody/masses"}
    assert check_sidecar(out) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.h5", "run.xdmf"]


def test_frame_views_cover_every_frame_in_blocks(tmp_path):
    """250 frames: views in blocks of 100 (each block with its own dimension scales), every one
    equal to its frame; they are views, not copies (the file grows by ~1.3 KB per frame)."""
    out = nbody(tmp_path, "run.h5", ["--ic", "uniform", "--particles", 5, "--steps", 249,
                                     "--snapshot-every", 1], ranks=2)
    assert check_sidecar(out) == 250
    with h5py.File(out) as f:
        frames = f["nbody/frames"]
        assert sorted(frames) == ["000000", "000100", "000200"]
        assert len(frames["000200"]) == 2 * 50 + 2  # positions, velocities, particle, xyz
        view = frames["000100/positions_000123"]
        assert view.is_virtual and view.shape == (5, 3)
        np.testing.assert_array_equal(view[()], f["nbody/positions"][123])
        assert [d[0].name for d in view.dims] == ["/nbody/frames/000100/particle",
                                                  "/nbody/frames/000100/xyz"]


def test_many_frames_get_strided_views(tmp_path):
    """2501 frames: the sidecar shows (and the file has views of) every third frame and the
    last, 835 in all, and says so; the trajectory keeps all 2501."""
    r = run(["nbody", "-o", tmp_path / "run.h5", "--ic", "uniform", "--particles", 3,
             "--steps", 2500, "--snapshot-every", 1], ranks=2)
    assert r.returncode == 0, r.stderr
    assert "shows 835 of the 2501 frames to ParaView (one in 3, and the last)" in r.stdout
    out = tmp_path / "run.h5"
    assert check_sidecar(out) == 835
    with h5py.File(out) as f:
        assert f["nbody/positions"].shape == (2501, 3, 3)
        views = []
        f["nbody/frames"].visit(lambda name: views.append(name) if "positions_" in name else None)
        assert len(views) == 835
        assert "002500/positions_002500" in views and "000000/positions_000003" in views
        assert "000000/positions_000001" not in views


def test_kepler_from_ic_file_leapfrog(tmp_path):
    ic = kepler_ic(tmp_path / "kepler.h5")
    per_orbit = 1000
    dt = 2 * np.pi / per_orbit
    out = nbody(tmp_path, "kepler-run.h5", ["--ic", ic, "--softening", 0, "--dt", repr(dt),
                                            "--steps", 5 * per_orbit, "--snapshot-every", per_orbit])
    with h5py.File(out) as f:
        g = f["nbody"]
        e = g["energy"][:]
        assert e[0] == pytest.approx(-0.75 * 0.25 / 2, rel=1e-14)  # E = -G m1 m2 / (2a)
        assert np.max(np.abs(e / e[0] - 1)) < 1e-3
        pos = g["positions"][:]
        for k in range(1, 6):  # back at apocentre after every whole period
            np.testing.assert_allclose(pos[k], pos[0], atol=5e-2)
        np.testing.assert_allclose(g["momentum"][:], 0, atol=1e-13)  # rounding only


def test_bitwise_equal_over_ranks_and_threads(tmp_path):
    args = ["--ic", "plummer", "--particles", 203, "--steps", 12, "--snapshot-every", 4,
            "--integrator", "rk4"]
    ref = nbody(tmp_path, "r1t1.h5", args)
    with h5py.File(ref) as f:
        want = {k: f["nbody"][k][:] for k in ("positions", "velocities", "energy", "momentum")}
    for ranks, threads in [(1, 2), (2, 1), (2, 2), (3, 1), (4, 1), (4, 2)]:
        out = nbody(tmp_path, f"r{ranks}t{threads}.h5", args, ranks=ranks, threads=threads)
        with h5py.File(out) as f:
            for k, v in want.items():
                np.testing.assert_array_equal(f["nbody"][k][:], v, err_msg=f"{k} {ranks}x{threads}")


def test_more_ranks_than_particles(tmp_path):
    args = ["--ic", "uniform", "--particles", 3, "--steps", 5]
    a = nbody(tmp_path, "one.h5", args)
    b = nbody(tmp_path, "four.h5", args, ranks=4)
    with h5py.File(a) as fa, h5py.File(b) as fb:
        np.testing.assert_array_equal(fa["nbody/positions"][:], fb["nbody/positions"][:])


@pytest.mark.parametrize("integrator", ["leapfrog", "rk2", "rk4"])
def test_restart_is_bitwise_identical(tmp_path, integrator):
    common = ["--particles", 50, "--softening", 0.02]
    full = nbody(tmp_path, "full.h5", ["--integrator", integrator, "--steps", 30] + common, ranks=2)
    ck = tmp_path / "ck.h5"
    nbody(tmp_path, "first.h5", ["--integrator", integrator, "--steps", 12, "--checkpoint", ck,
                                 "--checkpoint-every", 5] + common, ranks=1)
    for ranks in (1, 3):  # same and different rank counts
        cont = nbody(tmp_path, f"cont{ranks}.h5", ["--restart", ck, "--steps", 30], ranks=ranks)
        with h5py.File(full) as f, h5py.File(cont) as c:
            for k in ("positions", "velocities"):
                np.testing.assert_array_equal(c["nbody"][k][-1], f["nbody"][k][-1])
            assert c["nbody/time"][-1] == f["nbody/time"][-1]
            assert c["nbody"].attrs["first_step"] == 12
            assert c["nbody"].attrs["integrator"] == integrator


def test_checkpoint_never_half_written(tmp_path):
    ck = tmp_path / "ck.h5"
    nbody(tmp_path, "a.h5", ["--particles", 20, "--steps", 10, "--checkpoint", ck,
                             "--checkpoint-every", 3], ranks=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.h5", "a.xdmf", "ck.h5"]
    with h5py.File(ck) as f:
        assert f.attrs["step"] == 10 and f["positions"].shape == (20, 3)


BAD_USAGE = [
    ["--particles", 0],
    ["--dt", 0],
    ["--dt", -1e-3],
    ["--dt", "nan"],
    ["--softening", -1],
    ["--integrator", "euler"],
    ["--steps", 0],
    ["--restart", "ck.h5", "--dt", 0.1],
    ["--steps", "1e9", "--snapshot-every", 1],
]


@pytest.mark.parametrize("args", BAD_USAGE, ids=lambda a: " ".join(map(str, a)))
def test_bad_options_fail_cleanly(tmp_path, args):
    r = run(["nbody", "-o", tmp_path / "out.h5"] + args, ranks=2, timeout=60)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert "--" in line


def bad_ic_files(tmp_path):
    d = tmp_path / "inputs"
    d.mkdir()
    (d / "text.h5").write_text("not an HDF5 file\n")
    write_ic(d / "shape.h5", np.zeros((4, 2)), np.zeros((4, 3)), np.ones(4))
    write_ic(d / "count.h5", np.zeros((4, 3)), np.zeros((5, 3)), np.ones(4))
    write_ic(d / "nan.h5", np.full((2, 3), np.nan), np.zeros((2, 3)), np.ones(2))
    write_ic(d / "negative.h5", np.eye(3), np.zeros((3, 3)), [1, -1, 1])
    with h5py.File(d / "missing-masses.h5", "w") as f:
        f["positions"] = np.zeros((2, 3))
        f["velocities"] = np.zeros((2, 3))
    return d


def test_bad_input_files_fail_cleanly(tmp_path):
    inputs = bad_ic_files(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    cases = [["--ic", inputs / n] for n in ("absent.h5", "text.h5", "shape.h5", "count.h5",
                                            "nan.h5", "negative.h5", "missing-masses.h5")]
    cases.append(["--restart", inputs / "absent-checkpoint.h5", "--steps", 10])
    cases.append(["--restart", inputs / "shape.h5", "--steps", 10])  # not a checkpoint
    for args in cases:
        r = run(["nbody", "-o", out_dir / "out.h5"] + args, ranks=3, timeout=60)
        line = assert_clean_failure(r, out_dir)
        name = Path(str(args[1])).name
        assert name in line, (args, line)


def test_restart_needs_more_steps(tmp_path):
    ck = tmp_path / "ck.h5"
    nbody(tmp_path, "a.h5", ["--particles", 8, "--steps", 6, "--checkpoint", ck])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    r = run(["nbody", "-o", out_dir / "b.h5", "--restart", ck, "--steps", 6], ranks=2, timeout=60)
    assert "--steps" in assert_clean_failure(r, out_dir, expect_code=2)


def test_existing_output_needs_overwrite(tmp_path):
    nbody(tmp_path, "a.h5", ["--particles", 4, "--steps", 2])
    r = run(["nbody", "-o", tmp_path / "a.h5", "--particles", 4, "--steps", 2], ranks=2, timeout=60)
    assert "--overwrite" in assert_clean_failure(r)


def test_plummer_virial_ratio_and_units(tmp_path):
    out = nbody(tmp_path, "plummer.h5", ["--ic", "plummer", "--particles", 3000, "--steps", 1,
                                         "--softening", 0, "--seed", 5], ranks=2)
    with h5py.File(out) as f:
        g = f["nbody"]
        k, w = g["kinetic_energy"][0], g["potential_energy"][0]
        assert k / -w == pytest.approx(0.5, abs=0.03)  # sampling noise ~ 1/sqrt(N)
        # Henon units: K = 1/4, E = -1/4 for the continuous model; the unsoftened W of a
        # finite sample is noisier and slightly deeper (close pairs, radii redrawn beyond 10).
        assert k == pytest.approx(0.25, abs=0.015)
        assert k + w == pytest.approx(-0.25, abs=0.03)
        np.testing.assert_allclose(g["center_of_mass"][0], 0, atol=1e-14)
        np.testing.assert_allclose(g["momentum"][0], 0, atol=1e-14)
