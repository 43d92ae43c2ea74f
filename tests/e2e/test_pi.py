"""End-to-end tests of `rankwise pi`: the HDF5 schema, correctly rounded results against
exact references (mpmath digamma), bitwise equality across ranks x threads, sweep and
tolerance modes, and bad input (one message, non-zero exit, nothing written, no hang)."""
import math
import os
import stat

import h5py
import numpy as np
import pytest
from mpmath import mp, mpc, mpf, psi, im

from rwtest import assert_clean_failure, run

mp.dps = 50


def exact_pi_n(n):
    """pi_N = 4 Im[psi(1/2 + iN) - psi(N + 1/2 + iN)], correctly rounded to double."""
    n = mpf(n)
    return float(4 * im(psi(0, mpc(0.5, n)) - psi(0, mpc(n + 0.5, n))))


def run_ok(tmp_path, args, ranks=1, name="out.h5"):
    out = tmp_path / name
    r = run(args + ["-o", out, "--quiet"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == "", "--quiet must print nothing"
    return h5py.File(out, "r")


def test_default_run_schema_and_report(tmp_path):
    r = run(["pi", "--terms", "1e6"], ranks=2, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "pi (series" in r.stdout and "terms/s" in r.stdout and "imbalance" in r.stdout
    with h5py.File(tmp_path / "rankwise-pi.h5", "r") as f:
        for key in ["version", "git_commit", "command_line", "utc_time", "mpi_ranks",
                    "omp_threads_per_rank", "mpi_library", "hdf5_version", "boost_version",
                    "compiler", "build_flags", "simd_target"]:
            assert key in f.attrs, key
        assert f.attrs["mpi_ranks"] == 2
        g = f["pi"]
        assert g.attrs["method"] == "series"
        assert g.attrs["terms"] == 1_000_000
        assert g.attrs["estimate"] == exact_pi_n(10**6)
        assert g.attrs["abs_error"] == abs(g.attrs["estimate"] - math.pi)
        assert g["rank_partials"].shape == (2,)
        assert abs(g["rank_partials"][:].sum() - g.attrs["estimate"]) < 1e-14
        assert f["timings/seconds"].shape == (2, 6)
        phases = [p.decode() for p in f["timings/phases"][:]]
        assert phases == ["setup", "read", "compute", "communicate", "idle", "write"]
        assert f["timings/hosts"].shape == (2,)
        assert list(f["timings/threads"][:]) == [1, 1]
        assert f["timings/seconds"][:, phases.index("compute")].min() > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rankwise-pi.h5"]


@pytest.mark.parametrize("n", [1, 7, 1000, 1048577, 12345678, 10**9])
def test_series_is_correctly_rounded(tmp_path, n):
    with run_ok(tmp_path, ["pi", "--terms", n], ranks=2) as f:
        assert f["pi"].attrs["estimate"] == exact_pi_n(n)


def test_series_1e10_on_two_ranks(tmp_path):
    with run_ok(tmp_path, ["pi", "--terms", "1e10", "--threads", "1"], ranks=2) as f:
        assert f["pi"].attrs["estimate"] == exact_pi_n(10**10) == math.pi


@pytest.mark.parametrize("method,count", [("series", "3000017"), ("montecarlo", "2000003")])
def test_bitwise_identical_across_ranks_and_threads(tmp_path, method, count):
    key = "--terms" if method == "series" else "--samples"
    seen = {}
    for ranks in (1, 2, 3, 4):
        for threads in (1, 2):
            with run_ok(tmp_path, ["pi", "--method", method, key, count, "--threads", threads],
                        ranks=ranks, name=f"{ranks}x{threads}.h5") as f:
                g = f["pi"]
                seen[(ranks, threads)] = (g.attrs["estimate"].tobytes(),
                                          int(g.attrs["hits"]) if method == "montecarlo" else 0)
                assert f.attrs["omp_threads_per_rank"] == threads
    assert len(set(seen.values())) == 1, seen


def test_montecarlo_attributes(tmp_path):
    with run_ok(tmp_path, ["pi", "--method", "montecarlo", "--samples", "1e6", "--seed", "9"]) as f:
        g = f["pi"]
        assert g.attrs["method"] == "montecarlo"
        assert g.attrs["samples"] == 10**6 and g.attrs["seed"] == 9
        p = g.attrs["hits"] / 1e6
        assert g.attrs["estimate"] == 4 * p
        assert g.attrs["std_error"] == pytest.approx(4 * math.sqrt(p * (1 - p) / 1e6))
        assert abs(g.attrs["estimate"] - math.pi) < 5 * g.attrs["std_error"]
        assert g["rank_partials"][:].sum() == g.attrs["hits"]


def test_sweep_history(tmp_path):
    with run_ok(tmp_path, ["pi", "--sweep", "--terms", "1e6"], ranks=3) as f:
        h = f["pi/history"]
        assert list(h["terms"][:]) == [10, 100, 1000, 10**4, 10**5, 10**6]
        for n, est, err in zip(h["terms"][:], h["estimate"][:], h["abs_error"][:]):
            assert est == exact_pi_n(int(n))
            assert err == abs(est - math.pi)
        assert np.all(np.diff(h["abs_error"][:]) < 0)  # error falls as N grows (~1/(12 N^2))


def test_tolerance_series_and_montecarlo(tmp_path):
    with run_ok(tmp_path, ["pi", "--tolerance", "1e-10"], ranks=2, name="s.h5") as f:
        g = f["pi"]
        assert g.attrs["converged"] == 1 and g.attrs["abs_error"] < 1e-10
        errs = g["history/abs_error"][:]
        assert errs[-1] < 1e-10 and np.all(errs[:-1] >= 1e-10)
        terms = g["history/terms"][:]
        assert np.all(terms[1:] == 2 * terms[:-1])
    with run_ok(tmp_path, ["pi", "--method", "montecarlo", "--tolerance", "1e-3", "--batch", "1e5"],
                ranks=2, name="m.h5") as f:
        g = f["pi"]
        assert g.attrs["converged"] == 1 and g.attrs["abs_error"] < 1e-3
        samples = g["history/samples"][:]
        assert np.all(np.diff(samples) == 100000)
    # Same result as one run with that many samples (batches continue the sample numbering).
    n = int(samples[-1])
    with h5py.File(tmp_path / "m.h5") as m, run_ok(
            tmp_path, ["pi", "--method", "montecarlo", "--samples", n], name="one.h5") as one:
        assert one["pi"].attrs["hits"] == m["pi"].attrs["hits"]


def test_unreached_tolerance_reports_failure_but_keeps_results(tmp_path):
    out = tmp_path / "t.h5"
    # 1e-12 needs ~1e5 terms (error 1/(12 N^2)); 4096 give 5e-9. (Below 4.5e-16 is a usage error.)
    r = run(["pi", "--tolerance", "1e-12", "--terms", "4096", "-o", out], ranks=2)
    assert r.returncode == 1
    assert "tolerance" in r.stderr and "not reached" in r.stderr
    with h5py.File(out) as f:
        assert f["pi"].attrs["converged"] == 0


BAD = [
    (["--terms", "0"], "--terms"),
    (["--terms", "-5"], "--terms"),
    (["--terms", "abc"], "--terms"),
    (["--terms", "1e400"], "--terms"),
    (["--terms", "2.5"], "--terms"),
    (["--method", "magic"], "--method"),
    (["--tolerance", "-1"], "--tolerance"),
    (["--tolerance", "nan"], "--tolerance"),
    (["--samples", "10"], "--samples"),
    (["--method", "montecarlo", "--samples", "0"], "--samples"),
    (["--seed", "x"], "--seed"),
    (["--threads", "0"], "--threads"),
    (["--bogus"], "--bogus"),
]


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("args,option", BAD)
def test_bad_options(tmp_path, args, option, ranks):
    r = run(["pi"] + args + ["-o", tmp_path / "x.h5"], ranks=ranks, timeout=60)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert option in line


@pytest.mark.parametrize("ranks", [1, 2])
def test_existing_output_is_not_clobbered(tmp_path, ranks):
    out = tmp_path / "keep.h5"
    out.write_bytes(b"precious")
    r = run(["pi", "--terms", "1000", "-o", out], ranks=ranks, timeout=60)
    line = assert_clean_failure(r)
    assert "already exists" in line and "--overwrite" in line
    assert out.read_bytes() == b"precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.h5"]
    r = run(["pi", "--terms", "1000", "-o", out, "--overwrite", "-q"], ranks=ranks)
    assert r.returncode == 0 and h5py.is_hdf5(out)


@pytest.mark.parametrize("ranks", [1, 2])
def test_unwritable_output_directory(tmp_path, ranks):
    r = run(["pi", "-o", tmp_path / "missing" / "x.h5"], ranks=ranks, timeout=60)
    assert "does not exist" in assert_clean_failure(r, tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        if os.access(locked, os.W_OK):
            pytest.skip("running as root: permissions do not stop writes; covered by missing dir")
        r = run(["pi", "-o", locked / "x.h5"], ranks=ranks, timeout=60)
        assert_clean_failure(r, locked)
    finally:
        locked.chmod(stat.S_IRWXU)


def test_help_version_info():
    r = run(["--help"])
    assert r.returncode == 0 and "pi" in r.stdout
    r = run(["pi", "--help"])
    assert r.returncode == 0 and "--terms" in r.stdout and "Examples" in r.stdout
    r = run(["--version"])
    assert r.returncode == 0 and r.stdout.startswith("rankwise ")
    r = run(["info"], ranks=2)
    assert r.returncode == 0 and "simd_target" in r.stdout and "mpi_ranks" in r.stdout


def test_config_file(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('[pi]\nterms = "1000"\n')
    r = run(["--config", cfg, "pi", "-o", tmp_path / "c.h5", "-q"])
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "c.h5") as f:
        assert f["pi"].attrs["terms"] == 1000
