"""A new user's first mistakes (issue #14): each gets one line that says what to do instead."""
import pytest

from rwtest import assert_clean_failure, run

CASES = [
    (["pi", "--term", "1e9"], "did you mean --terms?"),
    (["polygons", "--generat", "5"], "did you mean --generate?"),
    (["nbody", "--particle", "5"], "did you mean --particles?"),
    (["pi", "-n", "4"], "belongs to mpiexec"),
    (["-n", "4", "pi"], "belongs to mpiexec"),
    (["--overwrit", "pi"], "before the subcommand"),
    (["nbody", "--ic", "plumer"], "did you mean plummer?"),
    (["nbody", "--ic", "unifrm"], "did you mean uniform?"),
    (["pi", "--tolerance", "1e-20"], "spacing of doubles near pi"),
]


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("args,hint", CASES, ids=[" ".join(c[0]) for c in CASES])
def test_mistake_gets_one_line_with_the_fix(tmp_path, args, hint, ranks):
    r = run(args + (["-o", tmp_path / "x.h5"] if args[0] != "-n" and args[0][:2] != "--" else []),
            ranks=ranks, timeout=60, cwd=tmp_path)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert hint in line, line


@pytest.mark.parametrize("kind", ["Plummer", "UNIFORM"])
def test_ic_kinds_in_any_case(tmp_path, kind):
    r = run(["nbody", "--ic", kind, "--particles", 32, "--steps", 2, "-q", "-o", tmp_path / "a.h5"],
            timeout=60)
    assert r.returncode == 0, r.stderr


def test_short_count_option_is_N(tmp_path):
    r = run(["pi", "-N", "1000", "-q", "-o", tmp_path / "a.h5"], timeout=60)
    assert r.returncode == 0, r.stderr


# --- options that would be ignored: one rule everywhere (a usage error naming the option) -------
GEN = ["polygons", "--generate", "4"]
NOT_APPLICABLE = [
    (["pi", "--seed", "7"], "--seed", "--method montecarlo"),
    (["pi", "--method", "series", "--samples", "100"], "--samples", "--method montecarlo"),
    (["pi", "--method", "montecarlo", "--terms", "100"], "--terms", "--method series"),
    (["pi", "--batch", "1e6", "--tolerance", "1e-3"], "--batch", "--method montecarlo"),
    (["pi", "--method", "montecarlo", "--batch", "1e6"], "--batch", "--tolerance"),
    (["pi", "--terms", "100", "--time-limit", "60"], "--time-limit", "nbody"),
    ([*GEN, "--name-field", "X"], "--name-field", "input file"),
    ([*GEN, "--layer", "x"], "--layer", "input file"),
    ([*GEN, "--reader", "auto"], "--reader", "input file"),
    ([*GEN, "--assume-crs", "planar"], "--assume-crs", "input file"),
    ([*GEN, "--edges", "geodesic"], "--edges", "input file"),
    ([*GEN, "--fields", "NAME"], "--fields", "input file"),
    ([*GEN, "--group-by", "NAME"], "--group-by", "input file"),
    ([*GEN, "--densify", "500"], "--densify", "--edges projected"),
    ([*GEN, "--time-limit", "60"], "--time-limit", "nbody"),
    (["polygons", "{shp}", "--seed", "7"], "--seed", "--generate"),
    (["polygons", "{shp}", "--crs", "projected"], "--crs", "--generate"),
    (["polygons", "{shp}", "--vertices", "16"], "--vertices", "--generate"),
    (["polygons", "{shp}", "--write-shapefile", "w.shp"], "--write-shapefile", "--generate"),
    (["nbody", "--ic", "{ic}", "--seed", "3"], "--seed", "{ic}"),
    (["nbody", "--ic", "{ic}", "--particles", "3"], "--particles", "{ic}"),
]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("inputs")
    shp = d / "in.shp"
    assert run(["polygons", "--generate", "3", "--write-shapefile", shp, "-q", "-o", d / "g.h5"],
               timeout=60).returncode == 0
    assert run(["nbody", "--particles", "4", "--steps", "1", "--checkpoint", d / "ic.h5", "-q",
                "-o", d / "n.h5"], timeout=60).returncode == 0
    return {"shp": str(shp), "ic": str(d / "ic.h5")}


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("args,option,where", NOT_APPLICABLE,
                         ids=[" ".join(c[0]) for c in NOT_APPLICABLE])
def test_option_that_does_not_apply_is_refused(tmp_path, inputs, args, option, where, ranks):
    args = [a.format(**inputs) for a in args]
    r = run(args + ["-o", tmp_path / "x.h5"], ranks=ranks, timeout=60, cwd=tmp_path)
    line = assert_clean_failure(r, tmp_path, expect_code=2)
    assert line.startswith(f"rankwise: error: {option}: "), line
    assert where.format(**inputs) in line, line


def test_option_from_config_that_does_not_apply_is_refused(tmp_path):
    config = tmp_path / "run.toml"
    config.write_text('[pi]\nseed = "7"\n')
    out = tmp_path / "out"
    out.mkdir()
    r = run(["--config", config, "pi", "--terms", "100", "-o", out / "x.h5"], timeout=60)
    line = assert_clean_failure(r, out, expect_code=2)
    assert "--seed: applies to --method montecarlo only" in line, line


def test_options_that_apply_are_accepted(tmp_path, inputs):
    for args in (["pi", "--method", "montecarlo", "--samples", "1e4", "--seed", "7"],
                 ["pi", "--method", "montecarlo", "--tolerance", "1e-1", "--batch", "1e4"],
                 ["polygons", inputs["shp"], "--name-field", "NAME", "--reader", "own"],
                 [*GEN, "--seed", "7", "--vertices", "16", "--crs", "projected"],
                 ["nbody", "--particles", "8", "--steps", "1", "--time-limit", "1h"]):
        r = run(args + ["-q", "-o", tmp_path / "ok.h5", "--overwrite"], timeout=60)
        assert r.returncode == 0, (args, r.stderr)


# --- the same defaults across drivers: --seed is 42 everywhere -------------------------------
@pytest.mark.parametrize("sub", ["pi", "nbody", "polygons"])
def test_seed_default_is_42_in_every_help(sub):
    r = run([sub, "--help"], timeout=60)
    assert r.returncode == 0, r.stderr
    seed = next(l for l in r.stdout.splitlines() if "--seed" in l)
    assert "42" in seed, seed


def test_polygons_default_seed_is_42(tmp_path):
    import h5py
    import numpy as np

    areas = {}
    for name, extra in (("default", []), ("42", ["--seed", "42"]), ("1", ["--seed", "1"])):
        r = run([*GEN, "--vertices", "16", *extra, "-q", "-o", tmp_path / f"{name}.h5"], timeout=60)
        assert r.returncode == 0, r.stderr
        with h5py.File(tmp_path / f"{name}.h5") as f:
            areas[name] = f["polygons/expected_area"][()]
    assert np.array_equal(areas["default"], areas["42"])
    assert not np.array_equal(areas["default"], areas["1"])  # the seed does change the set
