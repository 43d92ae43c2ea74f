"""`rankwise rerun FILE.h5`: every driver's output stores its effective options, the rerun
rebuilds the command from them (never from the stored command line), runs it at another rank
or thread count and, with --check, finds the results identical bit for bit; a tampered file
makes --check fail with one clear line; files that cannot be rerun are refused in one line.
Every launch has a timeout, so a hang fails instead of blocking."""
import hashlib
import os
import shutil
import signal
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import error_lines, finish, kill_started, rank_pids, run, shared_data, start, wait_for

FAST_EXIT = {"OMPI_MCA_odls_base_sigkill_timeout": "0"}


@pytest.fixture(autouse=True)
def no_orphans():
    yield
    kill_started()


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def options(path, driver):
    """The stored options: attributes option_<name> of the driver's group, by name."""
    with h5py.File(path) as f:
        return {k[len("option_"):]: (v.decode() if isinstance(v, bytes) else v)
                for k, v in f[driver].attrs.items() if k.startswith("option_")}


def rerun_check(stored, ranks, extra=(), cwd=None, expect=0):
    """`rankwise rerun stored --check` at `ranks`; returns the result and the new file."""
    before = digest(stored)
    r = run(["rerun", stored, "--check", *extra], ranks=ranks, timeout=300, cwd=cwd)
    assert r.returncode == expect, r.stdout[-3000:] + r.stderr[-3000:]
    assert digest(stored) == before, "the file being rerun was modified"
    return r


def assert_all_identical(r, driver, at_least):
    checks = [l for l in r.stdout.splitlines() if l.startswith("check /")]
    assert len(checks) >= at_least, r.stdout
    assert all(" identical (" in l for l in checks), r.stdout
    assert f"quantities of /{driver} identical to" in r.stdout, r.stdout
    assert error_lines(r) == [], r.stderr


# --- pi ---------------------------------------------------------------------------------------
PI_CASES = {
    "series": ["--terms", "1e6"],
    "series-sweep": ["--terms", "1e5", "--sweep"],
    "series-tolerance": ["--terms", "1e6", "--tolerance", "1e-9"],
    "montecarlo": ["--method", "montecarlo", "--samples", "2e6", "--seed", "7"],
    "montecarlo-tolerance": ["--method", "montecarlo", "--samples", "1e6", "--seed", "3",
                             "--tolerance", "1e-3", "--batch", "1e5"],
}


@pytest.mark.parametrize("case", PI_CASES)
def test_pi_reruns_bitwise_at_another_rank_count(tmp_path, case):
    out = tmp_path / "pi.h5"
    r = run(["pi", *PI_CASES[case], "-o", out, "-q"], ranks=1, timeout=120)
    assert r.returncode in (0, 1), r.stderr  # 1: tolerance not reached (still written)
    o = options(out, "pi")
    assert o["method"] == ("montecarlo" if "montecarlo" in case else "series")
    if "montecarlo" in case:
        assert o["seed"] == int(PI_CASES[case][PI_CASES[case].index("--seed") + 1])
        assert o["seed"].dtype == np.uint64 and "terms" not in o
    else:
        assert "seed" not in o and "samples" not in o
    assert o["sweep"] == ("sweep" in case) and o["sweep"].dtype == np.uint8
    r2 = rerun_check(out, 2, expect=r.returncode)
    assert_all_identical(r2, "pi", 4)
    assert "check /pi/estimate" in r2.stdout
    again = tmp_path / "pi.rerun.h5"
    with h5py.File(again) as f:
        assert f.attrs["rerun_of"] == str(out)
        assert f.attrs["mpi_ranks"] == 2
        assert f.attrs["command_line"].startswith("rankwise pi ")
    control = {"output", "quiet", "threads", "overwrite", "force"}  # this command line's
    assert {k: v for k, v in options(again, "pi").items() if k not in control} == \
           {k: v for k, v in options(out, "pi").items() if k not in control}


def test_config_text_is_stored_and_the_rerun_does_not_need_the_config(tmp_path):
    cfg = tmp_path / "run.toml"
    text = '[pi]\nmethod = "montecarlo"\nsamples = "1e6"\nseed = 11\n'
    cfg.write_text(text)
    out = tmp_path / "mc.h5"
    r = run(["--config", cfg, "pi", "-o", out, "-q"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    with h5py.File(out) as f:
        assert f.attrs["config_text"] == text
        assert f.attrs["config_file"] == str(cfg)
        assert f.attrs["config_file_absolute"] == str(cfg.resolve())
        assert f.attrs["rankwise_format"] == 1 and f.attrs["driver"] == "pi"
    o = options(out, "pi")
    assert o["samples"] == 1_000_000 and o["seed"] == 11 and o["method"] == "montecarlo"
    cfg.unlink()  # the stored command line names it; the rerun must not need it
    assert_all_identical(rerun_check(out, 1), "pi", 5)


def test_defaults_are_stored(tmp_path):
    out = tmp_path / "pi.h5"
    r = run(["pi", "--method", "montecarlo", "--samples", "1e5", "-o", out, "-q"], timeout=60)
    assert r.returncode == 0, r.stderr
    o = options(out, "pi")
    assert o["seed"] == 42 and o["threads"] == 1 and o["quiet"] == 1 and o["output"] == str(out)


# --- nbody ------------------------------------------------------------------------------------
def test_nbody_plummer_with_seed_reruns_bitwise_across_ranks_and_threads(tmp_path):
    out = tmp_path / "nb.h5"
    r = run(["nbody", "--ic", "plummer", "--particles", 96, "--seed", 9, "--steps", 40,
             "--integrator", "rk2", "--snapshot-every", 10, "-o", out, "-q"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    o = options(out, "nbody")
    assert o["ic"] == "plummer" and o["seed"] == 9 and o["particles"] == 96
    assert o["integrator"] == "rk2" and o["dt"] == 1e-3 and o["softening"] == 0.01 and o["G"] == 1
    r2 = rerun_check(out, 1, ["--threads", "2"])
    assert_all_identical(r2, "nbody", 10)
    for name in ("positions", "velocities", "energy"):
        assert f"check /nbody/{name} " in r2.stdout
    assert (tmp_path / "nb.rerun.xdmf").exists()


def test_nbody_king_in_astro_units_reruns_bitwise_and_stores_its_model(tmp_path):
    out = tmp_path / "king.h5"
    r = run(["nbody", "--ic", "king", "--w0", 7.5, "--particles", 80, "--seed", 5, "--steps", 20,
             "--units", "astro", "-o", out, "-q"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    o = options(out, "nbody")
    assert o["ic"] == "king" and o["w0"] == 7.5 and o["seed"] == 5 and o["units"] == "astro"
    assert o["G"] == 4.498502151469554e-3  # the unit system's, stored as the effective value
    with h5py.File(out) as f:
        a = f["nbody"].attrs
        assert a["ic"] == "king" and a["w0"] == 7.5 and a["seed"] == 5 and a["length_unit"] == "pc"
    r2 = rerun_check(out, 1, ["--threads", "2"])
    assert_all_identical(r2, "nbody", 10)
    for name in ("positions", "lagrangian_radii", "core_radius", "virial_ratio"):
        assert f"check /nbody/{name} " in r2.stdout


def test_nbody_frame_of_an_output_reruns_bitwise(tmp_path):
    first = tmp_path / "first.h5"
    r = run(["nbody", "--particles", 40, "--steps", 20, "--snapshot-every", 5, "-o", first, "-q"],
            timeout=120)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "later.h5"
    r = run(["nbody", "--ic", f"{first}:-2", "--steps", 10, "-o", out, "-q"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    o = options(out, "nbody")
    assert o["ic"] == str(first) and o["ic_frame"] == -2
    with h5py.File(out) as f:
        assert f["nbody"].attrs["ic"] == "frame" and f["nbody"].attrs["ic_frame"] == 3
    assert_all_identical(rerun_check(out, 1), "nbody", 10)


def write_ic(path, n=24):
    rng = np.random.default_rng(5)
    with h5py.File(path, "w") as f:
        f["positions"] = rng.normal(size=(n, 3))
        f["velocities"] = rng.normal(size=(n, 3)) * 0.1
        f["masses"] = np.full(n, 1.0 / n)


def test_nbody_ic_file_given_relative_reruns_from_elsewhere_and_gone_is_one_error(tmp_path):
    work, other = tmp_path / "work", tmp_path / "other"
    work.mkdir()
    other.mkdir()
    write_ic(work / "ic.h5")
    r = run(["nbody", "--ic", "ic.h5", "--steps", 20, "-o", "run.h5", "-q"], ranks=1, timeout=60,
            cwd=work)
    assert r.returncode == 0, r.stderr
    o = options(work / "run.h5", "nbody")
    assert o["ic"] == "ic.h5" and o["ic_absolute"] == str(work / "ic.h5")
    assert "seed" not in o and "particles" not in o
    assert_all_identical(rerun_check(work / "run.h5", 2, cwd=other), "nbody", 10)
    (work / "ic.h5").unlink()
    r = run(["rerun", work / "run.h5", "-o", other / "x.h5"], ranks=2, timeout=60, env=FAST_EXIT)
    assert r.returncode == 1 and len(error_lines(r)) == 1, r.stderr
    assert "ic.h5" in error_lines(r)[0] and "no longer exists" in error_lines(r)[0]
    assert not (other / "x.h5").exists()


def test_nbody_stopped_run_is_refused_and_its_continued_output_reruns(tmp_path):
    """A stopped file (completed = 0) is refused; once continued (--restart auto) its complete
    output reruns from the initial conditions, bit for bit."""
    out, ck = tmp_path / "run.h5", tmp_path / "ck.h5"
    args = ["nbody", "--particles", 400, "--steps", 20000, "--snapshot-every", 2000,
            "-o", out, "--checkpoint", ck, "--restart", "auto"]
    proc = start(args, 2, tmp_path)
    pids = rank_pids(proc.pid, 2)
    wait_for(lambda: any(p.name.startswith(".run.h5.tmp-") for p in tmp_path.iterdir()), 60,
             "the output")
    time.sleep(0.3)
    for p in pids:
        os.kill(p, signal.SIGTERM)
    code, _, err = finish(proc, 60)
    if code == 0:
        pytest.skip("the run finished before the signal (a very fast machine)")
    assert code == 75, err
    with h5py.File(out) as f:
        assert f["nbody"].attrs["completed"] == 0
    r = run(["rerun", out, "--check"], ranks=1, timeout=60)
    assert r.returncode == 1 and len(error_lines(r)) == 1, r.stderr
    assert "stopped at step" in error_lines(r)[0] and "completed = 0" in error_lines(r)[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.h5", "run.h5", "run.xdmf"]
    r = run(args[:0] + args + ["-q"], ranks=2, timeout=600, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    ck_digest = digest(ck)
    assert_all_identical(rerun_check(out, 1), "nbody", 10)
    assert digest(ck) == ck_digest, "the rerun touched the original run's checkpoint"


# --- polygons ---------------------------------------------------------------------------------
def test_polygons_generated_reruns_bitwise(tmp_path):
    out = tmp_path / "pg.h5"
    r = run(["polygons", "--generate", 60, "--seed", 3, "--vertices", 16, "-o", out, "-q"],
            ranks=1, timeout=120)
    assert r.returncode == 0, r.stderr
    o = options(out, "polygons")
    assert o["generate"] == 60 and o["seed"] == 3 and o["vertices"] == 16 and o["crs"] == "geographic"
    r2 = rerun_check(out, 2)
    assert_all_identical(r2, "polygons", 10)
    assert "check /polygons/area_m2 " in r2.stdout and "check /polygons/total_area_m2 " in r2.stdout


def test_polygons_from_a_file_reruns_bitwise(tmp_path):
    r = run(["polygons", "--generate", 25, "--seed", 5, "--write-shapefile", tmp_path / "set.shp",
             "-o", tmp_path / "gen.h5", "-q"], timeout=120)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "areas.h5"
    r = run(["polygons", "set.shp", "--area", "geodesic", "--fields", "NAME", "--group-by", "NAME",
             "-o", out, "-q"], ranks=2, timeout=120, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    o = options(out, "polygons")
    assert o["input"] == "set.shp" and o["input_absolute"] == str(tmp_path / "set.shp")
    assert o["fields"] == "NAME" and o["group_by"] == "NAME" and "seed" not in o
    shp = digest(tmp_path / "set.shp")
    assert_all_identical(rerun_check(out, 1), "polygons", 10)
    assert digest(tmp_path / "set.shp") == shp


@pytest.mark.skipif(shared_data("naturalearth_lowres") is None,
                    reason="real data absent (../shared/data/naturalearth_lowres)")
def test_polygons_real_shapefile_reruns_bitwise(tmp_path):
    shp = shared_data("naturalearth_lowres", "naturalearth_lowres.shp")
    out = tmp_path / "ne.h5"
    r = run(["polygons", shp, "--area", "both", "-o", out, "-q"], ranks=2, timeout=300)
    assert r.returncode == 0, r.stderr
    assert_all_identical(rerun_check(out, 1), "polygons", 10)


# --- tampering, names, refusals ---------------------------------------------------------------
def small_runs(d):
    runs = {
        "pi": ["pi", "--method", "montecarlo", "--samples", "1e5", "--sweep"],
        "nbody": ["nbody", "--particles", 16, "--steps", 10],
        "polygons": ["polygons", "--generate", 20],
    }
    for name, args in runs.items():
        r = run(args + ["-o", d / f"{name}.h5", "-q"], timeout=120)
        assert r.returncode == 0, r.stderr
    return d


@pytest.fixture(scope="module")
def originals(tmp_path_factory):
    return small_runs(tmp_path_factory.mktemp("originals"))


def bump(x):
    """x changed in its last bit (floats) or by one (integers)."""
    x = np.asarray(x)
    if x.dtype.kind == "f":
        return np.nextafter(x, np.inf)
    return x + 1


TAMPER = [  # (driver, object, attribute or None, index or None)
    ("pi", "pi", "estimate", None),
    ("pi", "pi", "hits", None),
    ("pi", "pi/history/estimate", None, 1),
    ("nbody", "nbody/positions", None, (1, 3, 2)),
    ("nbody", "nbody/energy", None, 0),
    ("nbody", "nbody", "force_evaluations", None),
    ("polygons", "polygons/area_m2", None, 7),
    ("polygons", "polygons/vertices", None, 0),
    ("polygons", "polygons", "total_perimeter_m", None),
]


@pytest.mark.parametrize("driver,obj,attr,index", TAMPER,
                         ids=[f"{o}{'@' + a if a else ''}" for _, o, a, _ in TAMPER])
def test_tampered_value_fails_the_check(tmp_path, originals, driver, obj, attr, index):
    f = tmp_path / f"{driver}.h5"
    shutil.copy(originals / f"{driver}.h5", f)
    with h5py.File(f, "r+") as h:
        if attr is not None:
            h[obj].attrs[attr] = bump(h[obj].attrs[attr])
        else:
            data = h[obj][()]
            data[index] = bump(data[index])
            h[obj][...] = data
    r = rerun_check(f, 2, expect=1)
    lines = error_lines(r)
    path = "/" + obj + ("/" + attr if attr else "")
    assert len(lines) == 1 and "--check: 1 of" in lines[0] and path in lines[0], r.stderr
    bad = [l for l in r.stdout.splitlines() if l.startswith("check ") and " identical" not in l]
    assert len(bad) == 1 and bad[0].startswith(f"check {path} ") and "differs" in bad[0], r.stdout


def test_untampered_originals_pass(originals, tmp_path):
    for driver in ("pi", "nbody", "polygons"):
        shutil.copy(originals / f"{driver}.h5", tmp_path / f"{driver}.h5")
        assert_all_identical(rerun_check(tmp_path / f"{driver}.h5", 2), driver, 4)


def test_default_names_never_clobber(tmp_path, originals):
    f = tmp_path / "pi.h5"
    shutil.copy(originals / "pi.h5", f)
    for expected in ("pi.rerun.h5", "pi.rerun-2.h5"):
        r = run(["rerun", f, "-q"], ranks=1, timeout=60)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / expected).exists()
    r = run(["rerun", f, "-q", "--overwrite"], ranks=1, timeout=60)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pi.h5", "pi.rerun-2.h5", "pi.rerun.h5"]
    before = digest(f)
    for o in (f, tmp_path / "." / "pi.h5"):
        r = run(["rerun", f, "-o", o, "--overwrite"], ranks=2, timeout=60, env=FAST_EXIT)
        assert r.returncode == 2 and len(error_lines(r)) == 1, r.stderr
        assert "is the file being rerun" in error_lines(r)[0]
    assert digest(f) == before


def drop_options(h):
    for k in [k for k in h["pi"].attrs if k.startswith("option_")]:
        del h["pi"].attrs[k]


@pytest.mark.parametrize("ranks", [1, 2])
def test_files_that_cannot_be_rerun(tmp_path, originals, ranks):
    cases = {}
    cases["absent.h5"] = ("does not exist", None)
    (tmp_path / "text.h5").write_text("not hdf5\n")
    cases["text.h5"] = ("not an HDF5 file", None)
    write_ic(tmp_path / "ic.h5")
    cases["ic.h5"] = ("not a rankwise output", None)
    for name, edit, says in [
        ("newer.h5", lambda h: h.attrs.__setitem__("rankwise_format", 2), "newer than this rankwise"),
        ("older.h5", lambda h: (h.attrs.__delitem__("rankwise_format"), drop_options(h)),
         "did not store its options"),
        ("no-options.h5", drop_options, "no usable stored options"),
        ("bad-option.h5", lambda h: h["pi"].attrs.__setitem__("option_samples", np.int64(0)),
         "stores options this rankwise rejects"),
    ]:
        shutil.copy(originals / "pi.h5", tmp_path / name)
        with h5py.File(tmp_path / name, "r+") as h:
            edit(h)
        cases[name] = (says, None)
    for name, (says, _) in cases.items():
        r = run(["rerun", tmp_path / name, "--check", "-o", tmp_path / "out.h5"], ranks=ranks,
                timeout=60, env=FAST_EXIT)
        assert r.returncode == 1, (name, r.returncode, r.stderr)
        lines = error_lines(r)
        assert len(lines) == 1 and says in lines[0] and name in lines[0], (name, r.stderr)
        assert not (tmp_path / "out.h5").exists(), name
