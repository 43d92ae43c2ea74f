"""`rankwise nbody --integrator hermite` (issue #13): 4th-order Hermite with block time steps.

- Kepler orbits e = 0.5 and 0.99 from an IC file, 100 periods: the largest energy error over
  16 frames per period is below 1e-9, and fixed-step leapfrog given more than 10x the force
  calculations still errs more (so block steps need at least 10x fewer for the same error);
- a Plummer sphere, N = 1024, softening 0, to t = 10: |dE/E| < 1e-5 and the same bits at
  1, 2, 3, 4 ranks x 1, 2 threads;
- a restart from a checkpoint on another rank count equals the uninterrupted run bit for bit
  (signals and --restart auto: test_stop_resume.py); rerun --check of a hermite output;
- bad hermite options: one line each, exit 2, nothing written.
"""
import math

import h5py
import numpy as np
import pytest

from rwtest import assert_clean_failure, run



G_PERIOD_ONE = 4 * math.pi ** 2  # a = 1, M = 1: Kepler period 1


def kepler_ic(path, e):
    """Two equal masses on an orbit with semi-major axis 1 and eccentricity e, at apocentre."""
    r = 1 + e
    v = math.sqrt(G_PERIOD_ONE * (1 - e) / (1 + e))
    with h5py.File(path, "w") as f:
        f["positions"] = np.array([[0.5 * r, 0, 0], [-0.5 * r, 0, 0]])
        f["velocities"] = np.array([[0, 0.5 * v, 0], [0, -0.5 * v, 0]])
        f["masses"] = np.array([0.5, 0.5])
    return path


def max_energy_error(path):
    with h5py.File(path) as f:
        e = f["nbody/energy"][()]
        return float(np.max(np.abs(e / e[0] - 1))), dict(f["nbody"].attrs)


def ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


# eta per eccentricity: the largest of the form 10^-k, 2.5 10^-k that reaches 1e-9 (the error
# falls in steps of ~16 as the power-of-two steps halve).
@pytest.mark.parametrize("e,eta,leapfrog_dt_log2", [(0.5, 1e-4, 15), (0.99, 2.5e-5, 17)])
def test_kepler_100_periods_block_steps_beat_leapfrog_tenfold(tmp_path, e, eta, leapfrog_dt_log2):
    ic = kepler_ic(tmp_path / "kepler.h5", e)
    ok(run(["nbody", "--ic", ic, "--G", G_PERIOD_ONE, "--softening", 0, "--integrator", "hermite",
            "--eta", eta, "--t-end", 100, "--snapshot-dt", 1 / 16, "-q", "-o", tmp_path / "h.h5"],
           timeout=600))
    hermite_error, attrs = max_energy_error(tmp_path / "h.h5")
    assert hermite_error < 1e-9, hermite_error
    assert attrs["dt_min_hits"] == 0
    hermite_calcs = int(attrs["particle_steps"])
    # Leapfrog with a power-of-two step giving it more than 10x the force calculations over
    # 100 periods; 10 periods of it show its (bounded, periodic) error.
    dt = 2.0 ** -leapfrog_dt_log2
    leapfrog_calcs = 2 * 100 / dt
    assert leapfrog_calcs > 10 * hermite_calcs
    ok(run(["nbody", "--ic", ic, "--G", G_PERIOD_ONE, "--softening", 0, "--dt", dt,
            "--steps", int(10 / dt), "--snapshot-every", int(1 / 16 / dt), "-q",
            "-o", tmp_path / "l.h5"], timeout=600))
    leapfrog_error, _ = max_energy_error(tmp_path / "l.h5")
    print(f"e={e}: hermite {hermite_calcs} force calculations, max |dE/E| {hermite_error:.2e}; "
          f"leapfrog {leapfrog_calcs:.0f} ({leapfrog_calcs / hermite_calcs:.1f}x): {leapfrog_error:.2e}")
    assert leapfrog_error > hermite_error


PLUMMER = ["nbody", "--integrator", "hermite", "--particles", 1024, "--softening", 0,
           "--t-end", 10, "--snapshot-dt", 0.5, "-q"]
RESULTS = ["positions", "velocities", "energy", "time"]


@pytest.fixture(scope="module")
def plummer_one_rank(tmp_path_factory):
    d = tmp_path_factory.mktemp("plummer")
    ok(run(PLUMMER + ["-o", d / "p1.h5"], timeout=600))
    return d / "p1.h5"


def test_plummer_conserves_energy(plummer_one_rank):
    error, attrs = max_energy_error(plummer_one_rank)
    assert error < 1e-5, error
    assert attrs["integrator"] == "hermite" and attrs["t_end"] == 10.0
    assert attrs["blocks"] > 0 and attrs["particle_steps"] > 1024 * attrs["blocks"] / 100


@pytest.mark.parametrize("ranks,threads", [(1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (4, 1), (4, 2)])
def test_plummer_same_bits_at_any_ranks_and_threads(tmp_path, plummer_one_rank, ranks, threads):
    ok(run(PLUMMER + ["--threads", threads, "-o", tmp_path / "p.h5"], ranks=ranks, timeout=900))
    with h5py.File(plummer_one_rank) as a, h5py.File(tmp_path / "p.h5") as b:
        for name in RESULTS:
            assert np.array_equal(a["nbody"][name][()], b["nbody"][name][()]), name
        assert a["nbody"].attrs["particle_steps"] == b["nbody"].attrs["particle_steps"]


SMALL = ["nbody", "--integrator", "hermite", "--particles", 300, "--softening", 0.001,
         "--snapshot-dt", 0.25, "-q"]


def test_restart_on_other_ranks_bitwise(tmp_path):
    ok(run(SMALL + ["--t-end", 2, "-o", tmp_path / "whole.h5"]))
    ok(run(SMALL + ["--t-end", 1, "--checkpoint", tmp_path / "ck.h5", "-o", tmp_path / "a.h5"]))
    with h5py.File(tmp_path / "ck.h5") as f:
        assert f.attrs["integrator"] == "hermite" and f["jerks"].shape == (300, 3)
    ok(run(["nbody", "--restart", tmp_path / "ck.h5", "--t-end", 2, "-q",
            "-o", tmp_path / "b.h5"], ranks=3))
    with h5py.File(tmp_path / "whole.h5") as w, h5py.File(tmp_path / "b.h5") as b:
        for name in ["positions", "velocities"]:
            assert np.array_equal(w["nbody"][name][-1], b["nbody"][name][-1]), name
        assert w["nbody"].attrs["particle_steps"] == b["nbody"].attrs["particle_steps"]


def test_rerun_check_of_a_hermite_run(tmp_path):
    ok(run(SMALL + ["--t-end", 0.5, "--eta", 0.01, "--shared-step", "-o", tmp_path / "r.h5"]))
    r = ok(run(["rerun", tmp_path / "r.h5", "--check", "-o", tmp_path / "again.h5"], ranks=2))
    assert "differ" not in r.stdout.replace("0 of", ""), r.stdout


def test_dt_min_is_reported(tmp_path):
    r = ok(run(["nbody", "--integrator", "hermite", "--particles", 64, "--softening", 0,
                "--t-end", 0.125, "--dt-min", 2.0 ** -5, "-o", tmp_path / "m.h5"]))
    assert "wanted less than --dt-min" in r.stdout + r.stderr
    assert r.stderr.count("wanted a step below --dt-min") == 1, r.stderr  # once, when it starts
    with h5py.File(tmp_path / "m.h5") as f:
        assert f["nbody"].attrs["dt_min_hits"] > 0


@pytest.mark.parametrize("args,expect", [
    (["--integrator", "hermite", "--eta", "0"], "--eta"),
    (["--integrator", "hermite", "--eta", "2"], "--eta"),
    (["--integrator", "hermite", "--dt-max", "0.3"], "power of two"),
    (["--integrator", "hermite", "--dt-max", "0.5", "--snapshot-dt", "0.25"], "--dt-max"),
    (["--integrator", "hermite", "--snapshot-dt", "0.1"], "--snapshot-dt"),
    (["--integrator", "hermite", "--t-end", "1.3"], "--t-end"),
    (["--integrator", "hermite", "--dt-min", "0.25", "--dt-max", "0.125"], "--dt-min"),
    (["--integrator", "hermite", "--dt", "0.01"], "--dt"),
    (["--integrator", "hermite", "--steps", "10"], "--steps"),
    (["--eta", "0.01"], "hermite only"),
    (["--integrator", "rk4", "--t-end", "1"], "hermite only"),
    (["--shared-step"], "hermite only"),
])
def test_bad_hermite_options(tmp_path, args, expect):
    r = run(["nbody", "--particles", 16, "-o", tmp_path / "x.h5"] + args)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert expect in line, line


def test_hermite_checkpoint_needs_t_end(tmp_path):
    ok(run(SMALL + ["--t-end", 0.25, "--checkpoint", tmp_path / "ck.h5", "-o", tmp_path / "a.h5"]))
    (tmp_path / "a.h5").unlink()
    (tmp_path / "a.xdmf").unlink()
    keep = tmp_path / "keep"
    keep.mkdir()
    (tmp_path / "ck.h5").rename(keep / "ck.h5")
    r = run(["nbody", "--restart", keep / "ck.h5", "-o", tmp_path / "b.h5"])
    line = assert_clean_failure(r, None, expect_code=2)
    assert "--t-end" in line and "t = 0.25" in line, line
    assert not (tmp_path / "b.h5").exists()
