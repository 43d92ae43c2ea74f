"""End-to-end tests of `rankwise nbody` initial conditions (King models, CSV tables, frames of
an earlier output), units, and the per-frame structure diagnostics (virial ratio, Lagrangian
radii, core radius): values, layout, and bitwise equality over ranks and threads."""
import math

import h5py
import numpy as np
import pytest

from rwtest import run

STRUCTURE = ("virial_ratio", "lagrangian_radii", "core_radius", "density_center")


def nbody(tmp_path, name, args, ranks=1, threads=1):
    out = tmp_path / name
    r = run(["nbody", "-o", out, "--quiet", "--threads", threads] + [str(a) for a in args],
            ranks=ranks, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def test_structure_datasets_layout_and_units(tmp_path):
    out = nbody(tmp_path, "run.h5", ["--ic", "plummer", "--particles", 200, "--steps", 20,
                                     "--snapshot-every", 5])
    with h5py.File(out) as f:
        g = f["nbody"]
        frames = g["time"].shape[0]
        assert frames == 5
        assert g["virial_ratio"].shape == (frames,)
        assert g["lagrangian_radii"].shape == (frames, 3)
        np.testing.assert_array_equal(g["mass_fraction"][:], [0.1, 0.5, 0.9])
        assert g["core_radius"].shape == (frames,)
        assert g["density_center"].shape == (frames, 3)
        np.testing.assert_allclose(g["virial_ratio"][:],
                                   2 * g["kinetic_energy"][:] / -g["potential_energy"][:], rtol=1e-15)
        lr = g["lagrangian_radii"][:]
        assert np.all(lr[:, 0] < lr[:, 1]) and np.all(lr[:, 1] < lr[:, 2])
        assert np.all((g["core_radius"][:] > 0) & (g["core_radius"][:] < lr[:, 1]))
        a = g.attrs
        assert a["ic"] == "plummer" and a["seed"] == 42 and a["units"] == "nbody"
        assert a["length_unit"] == "nbody length" and a["G"] == 1.0


def test_plummer_lagrangian_radii_match_the_analytic_profile(tmp_path):
    # r(m) = a (m^(-2/3) - 1)^(-1/2), a = 3 pi / 16; radii beyond 10 a are redrawn, so m is the
    # fraction of the mass inside 10 a. Sampling noise at N = 4096: ~2 %, 1.5 %, 2.5 %.
    out = nbody(tmp_path, "p.h5", ["--ic", "plummer", "--particles", 4096, "--seed", 1,
                                   "--steps", 1], threads=2)
    with h5py.File(out) as f:
        radii = f["nbody/lagrangian_radii"][0]
        q = f["nbody/virial_ratio"][0]
    a, inside = 3 * math.pi / 16, 1000 / 101 ** 1.5
    for r, fraction, tol in zip(radii, (0.1, 0.5, 0.9), (0.07, 0.05, 0.08)):
        expected = a / math.sqrt((fraction * inside) ** (-2 / 3) - 1)
        assert abs(r - expected) < tol * expected, (fraction, r, expected)
    assert abs(q - 1) < 0.05


def test_structure_is_bitwise_identical_over_ranks_and_threads(tmp_path):
    args = ["--ic", "plummer", "--particles", 4096, "--steps", 4, "--snapshot-every", 2]
    ref = nbody(tmp_path, "r1t1.h5", args)
    with h5py.File(ref) as f:
        want = {k: f["nbody"][k][:] for k in STRUCTURE + ("energy",)}
    assert not np.isnan(want["core_radius"]).any()
    for ranks, threads in ((2, 1), (3, 1), (1, 2), (2, 2)):
        out = nbody(tmp_path, f"r{ranks}t{threads}.h5", args, ranks=ranks, threads=threads)
        with h5py.File(out) as f:
            for k, v in want.items():
                np.testing.assert_array_equal(f["nbody"][k][:], v, err_msg=f"{k} {ranks}x{threads}")


def test_king_model_is_identical_at_1_and_2_ranks_and_virialised(tmp_path):
    args = ["--ic", "king", "--w0", 6, "--particles", 2048, "--seed", 3, "--steps", 1]
    one = nbody(tmp_path, "one.h5", args)
    two = nbody(tmp_path, "two.h5", args, ranks=2)
    with h5py.File(one) as a, h5py.File(two) as b:
        for k in ("positions", "velocities", "masses", "energy") + STRUCTURE:
            np.testing.assert_array_equal(a["nbody"][k][:], b["nbody"][k][:], err_msg=k)
        g = a["nbody"]
        assert g.attrs["ic"] == "king" and g.attrs["w0"] == 6.0
        assert abs(g["virial_ratio"][0] - 1) < 0.06
        assert abs(g["energy"][0] + 0.25) < 0.02
        np.testing.assert_allclose(g["masses"][:].sum(), 1.0, rtol=1e-12)


def test_csv_initial_conditions_any_column_order_with_comments(tmp_path):
    rng = np.random.default_rng(1)
    pos, vel, m = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.uniform(0.1, 1, 5)
    lines = ["# five particles", "m, vz, x, y, z, vx, vy", ""]
    for i in range(5):
        lines.append(", ".join(repr(float(v)) for v in (m[i], vel[i, 2], *pos[i], *vel[i, :2])))
    (tmp_path / "stars.csv").write_text("\n".join(lines) + "\n")
    out = nbody(tmp_path, "csv.h5", ["--ic", tmp_path / "stars.csv", "--steps", 1], ranks=2)
    with h5py.File(out) as f:
        g = f["nbody"]
        np.testing.assert_array_equal(g["positions"][0], pos)
        np.testing.assert_array_equal(g["velocities"][0], vel)
        np.testing.assert_array_equal(g["masses"][:], m)
        assert g.attrs["ic"] == "csv" and g.attrs["source"] == str(tmp_path / "stars.csv")


def test_frame_of_an_output_and_names_with_colons(tmp_path):
    first = nbody(tmp_path, "first.h5", ["--particles", 30, "--steps", 20, "--snapshot-every", 5])
    with h5py.File(first) as f:
        frames = f["nbody/positions"][:]
        vel = f["nbody/velocities"][:]
        masses = f["nbody/masses"][:]
    for spec, k in (("", 4), (":0", 0), (":2", 2), (":-2", 3)):
        out = nbody(tmp_path, f"from{k}.h5", ["--ic", f"{first}{spec}", "--steps", 1], ranks=2)
        with h5py.File(out) as f:
            g = f["nbody"]
            np.testing.assert_array_equal(g["positions"][0], frames[k])
            np.testing.assert_array_equal(g["velocities"][0], vel[k])
            np.testing.assert_array_equal(g["masses"][:], masses)
            assert g.attrs["ic"] == "frame" and g.attrs["ic_frame"] == k
    # A file whose name holds ':' is that file; NAME:FRAME still works after it.
    odd = tmp_path / "a:1.h5"
    odd.write_bytes(first.read_bytes())
    out = nbody(tmp_path, "odd.h5", ["--ic", odd, "--steps", 1])
    with h5py.File(out) as f:
        np.testing.assert_array_equal(f["nbody/positions"][0], frames[4])
    out = nbody(tmp_path, "odd1.h5", ["--ic", f"{odd}:1", "--steps", 1])
    with h5py.File(out) as f:
        np.testing.assert_array_equal(f["nbody/positions"][0], frames[1])
    out = nbody(tmp_path, "flag.h5", ["--ic", first, "--ic-frame", -5, "--steps", 1])
    with h5py.File(out) as f:
        np.testing.assert_array_equal(f["nbody/positions"][0], frames[0])


@pytest.mark.parametrize("units,G,length", [("si", 6.67430e-11, "m"),
                                            ("astro", 4.498502151469554e-3, "pc")])
def test_units_set_the_default_G_and_label_the_output(tmp_path, units, G, length):
    out = nbody(tmp_path, f"{units}.h5", ["--particles", 50, "--steps", 2, "--units", units])
    plain = nbody(tmp_path, "nbody.h5", ["--particles", 50, "--steps", 2])
    with h5py.File(out) as f, h5py.File(plain) as p:
        a = f["nbody"].attrs
        assert a["units"] == units and a["G"] == G and a["length_unit"] == length
        # Generated models: M = 1 and virial radius 1 in any units; velocities scale with
        # sqrt(G), so energies with G.
        np.testing.assert_array_equal(f["nbody/positions"][0], p["nbody/positions"][0])
        np.testing.assert_allclose(f["nbody/energy"][0] / G, p["nbody/energy"][0], rtol=1e-12)
    out = nbody(tmp_path, f"{units}-G.h5", ["--particles", 50, "--steps", 2, "--units", units,
                                           "--G", 2])
    with h5py.File(out) as f:
        assert f["nbody"].attrs["G"] == 2.0 and f["nbody"].attrs["units"] == units


def test_core_radius_skipped_for_tiny_n(tmp_path):
    out = nbody(tmp_path, "tiny.h5", ["--particles", 5, "--steps", 2])
    with h5py.File(out) as f:
        assert np.isnan(f["nbody/core_radius"][:]).all()
        assert not np.isnan(f["nbody/lagrangian_radii"][:]).any()
