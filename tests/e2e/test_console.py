"""What a run prints for its user: the log header, the warning about more threads than cores,
progress from the first N-body force evaluation on, and summary numbers that can be acted on
(units of the data, total and per-core rates, imbalance only for phases that took time)."""
import datetime
import os
import re
import subprocess

import h5py
import numpy as np
import pytest

from rwtest import ENV, RANKWISE, run

HEADER_1 = re.compile(r"^rankwise (\S+) \(git (\S+)\), started (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$")
HEADER_2 = re.compile(r"^(\d+) ranks? x (\d+) threads? on (\d+) hosts? \(([^)]*)\), SIMD (\S+)$")
SMALL = {"pi": ["pi", "--terms", "1e5"],
         "nbody": ["nbody", "--particles", "16", "--steps", "2"],
         "polygons": ["polygons", "--generate", "4", "--vertices", "16"]}


def info():
    r = run(["info"], timeout=60)
    assert r.returncode == 0, r.stderr
    return dict(l.split(None, 1) for l in r.stdout.splitlines()[1:])


# --- the header of every run's log ---------------------------------------------------------------
@pytest.mark.parametrize("driver", sorted(SMALL))
def test_log_starts_with_the_header(tmp_path, driver):
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    r = run(SMALL[driver] + ["--threads", "1", "-o", tmp_path / "o.h5"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    first, second = HEADER_1.match(lines[0]), HEADER_2.match(lines[1])
    assert first and second, r.stdout
    version, commit, started = first.groups()
    build = info()
    assert version == build["version"].strip() and commit == build["git_commit"].strip()
    when = datetime.datetime.strptime(started, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    assert before <= when <= before + datetime.timedelta(seconds=60)
    ranks, threads, hosts, names, simd = second.groups()
    assert (ranks, threads, hosts) == ("2", "1", "1")
    with h5py.File(tmp_path / "o.h5") as f:
        assert names == f["timings/hosts"][0].decode()
        assert simd == f.attrs["simd_target"]
    assert sum(1 for l in lines if l.startswith("rankwise ")) == 1  # rank 0 only


def test_quiet_run_has_no_header(tmp_path):
    r = run(SMALL["pi"] + ["-q", "-o", tmp_path / "o.h5"], ranks=2, timeout=60)
    assert r.returncode == 0 and r.stdout == "" and r.stderr == "", r.stdout + r.stderr


# --- more OpenMP threads than cores: one warning line on rank 0 -------------------------------
@pytest.mark.parametrize("driver", sorted(SMALL))
def test_more_threads_than_cores_warns_once(tmp_path, driver):
    too_many = len(os.sched_getaffinity(0)) + 1  # more than any rank can be bound to
    r = run(SMALL[driver] + ["--threads", too_many, "-q", "-o", tmp_path / "o.h5"], ranks=2,
            timeout=120)
    assert r.returncode == 0, r.stderr
    warnings = [l for l in r.stderr.splitlines() if l.startswith("rankwise: warning:")]
    assert len(warnings) == 1, r.stderr
    assert f"{too_many} OpenMP threads per rank, but rank" in warnings[0], warnings[0]
    assert "may use only" in warnings[0] and "--threads" in warnings[0], warnings[0]


def test_threads_within_the_cores_do_not_warn(tmp_path):
    r = run(SMALL["pi"] + ["--threads", "1", "-o", tmp_path / "o.h5"], ranks=2, timeout=60)
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr


def test_omp_num_threads_above_the_binding_warns(tmp_path):
    """OMP_NUM_THREADS=8 for a rank that may run on one core (taskset): the usual mistake."""
    p = subprocess.run(["taskset", "-c", "0", "mpiexec", "-q", "--bind-to", "none", "-n", "1",
                        RANKWISE, *SMALL["pi"], "-q", "-o", str(tmp_path / "o.h5")],
                       capture_output=True, text=True, timeout=60,
                       env=dict(ENV, OMP_NUM_THREADS="8"))
    assert p.returncode == 0, p.stderr
    assert p.stderr.count("rankwise: warning:") == 1, p.stderr
    assert "8 OpenMP threads per rank, but rank 0" in p.stderr and "only 1 core" in p.stderr, p.stderr


# --- progress from the first force evaluation on ------------------------------------------------
PROGRESS = re.compile(r"^nbody: +([\d.]+)%  elapsed (\d+) s  ETA (\d+) s  (.*)$")


def test_nbody_progress_starts_within_the_first_force_evaluation(tmp_path):
    """One step of N = 60000 is two force evaluations (start, end of the step) of ~2 s each on
    one core here; progress lines must appear during the first one, counting it in the total."""
    args = ["nbody", "--particles", "60000", "--steps", "1", "--snapshot-every", "1"]
    r = run(args + ["-o", tmp_path / "a.h5"], timeout=300,
            env={"RANKWISE_PROGRESS_INTERVAL": "0.2"})
    assert r.returncode == 0, r.stderr
    lines = [PROGRESS.match(l) for l in r.stderr.splitlines() if l.startswith("nbody:")]
    assert lines and all(lines), r.stderr
    initial = [m for m in lines if m.group(4).startswith("forces at step 0")]
    assert initial, r.stderr
    # The first evaluation is half of the run's work: its lines stay at or below 50 %, and the
    # ETA is an estimate, not 0, while it runs.
    assert all(float(m.group(1)) <= 50.0 for m in initial), r.stderr
    assert any(0 < float(m.group(1)) < 50.0 and int(m.group(3)) > 0 for m in initial), r.stderr
    # Reporting does not change the result: the same run without progress, bit for bit.
    q = run(args + ["-q", "-o", tmp_path / "b.h5"], timeout=300)
    assert q.returncode == 0, q.stderr
    with h5py.File(tmp_path / "a.h5") as a, h5py.File(tmp_path / "b.h5") as b:
        for key in ("positions", "velocities", "energy"):
            assert np.array_equal(a["nbody"][key][()], b["nbody"][key][()]), key


# --- summary numbers ------------------------------------------------------------------------
def phase_rows(stdout):
    rows = {}
    for l in stdout.splitlines():
        parts = l.split()
        if len(parts) == 6 and parts[0] in ("setup", "read", "compute", "communicate", "idle", "write"):
            rows[parts[0]] = (float(parts[3]), parts[5])
    assert len(rows) == 6, stdout
    return rows


@pytest.mark.parametrize("driver", sorted(SMALL))
def test_imbalance_only_for_phases_that_took_time(tmp_path, driver):
    r = run(SMALL[driver] + ["-o", tmp_path / "o.h5"], ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    wall = float(re.search(r"wall ([\d.]+) s", r.stdout).group(1))
    rows = phase_rows(r.stdout)
    for name, (slowest, imbalance) in rows.items():
        # the printed max is rounded to 1 us and the wall is the summary's (a little earlier)
        if slowest < 0.0009 or slowest < 0.009 * wall:
            assert imbalance == "-", (name, slowest, wall, r.stdout)
        elif slowest > 0.0011 and slowest > 0.011 * wall:
            assert re.fullmatch(r"\d+\.\d%", imbalance), (name, r.stdout)
    if driver == "pi":  # pi reads nothing: a phase of 0 s, never a percentage
        assert rows["read"] == (0.0, "-"), r.stdout


def rates(stdout):
    line = next(l for l in stdout.splitlines() if "vertices/s" in l)
    total = re.match(r"^([\d.]+) ([kMG]?) ?vertices/s, ", line)
    per_core = re.search(r", ([\d.]+) ([kMG]?) ?vertices/s per core \((\d+) ranks? x (\d+) threads?\)", line)
    scale = {"": 1, "k": 1e3, "M": 1e6, "G": 1e9}
    assert total, line
    t = float(total.group(1)) * scale[total.group(2)]
    p = None if per_core is None else (float(per_core.group(1)) * scale[per_core.group(2)],
                                       int(per_core.group(3)) * int(per_core.group(4)))
    return line, t, p


def test_polygon_rates_total_and_per_core(tmp_path):
    r = run(SMALL["polygons"] + ["--threads", "1", "-o", tmp_path / "one.h5"], timeout=60)
    assert r.returncode == 0, r.stderr
    line, total, per_core = rates(r.stdout)
    assert per_core is None, line  # one core: the total is the per-core rate
    r = run(SMALL["polygons"] + ["--threads", "1", "-o", tmp_path / "two.h5"], ranks=2, timeout=60)
    assert r.returncode == 0, r.stderr
    line, total, per_core = rates(r.stdout)
    assert per_core is not None and per_core[1] == 2, line
    assert per_core[0] == pytest.approx(total / 2, rel=0.01), line  # never above the total


def test_planar_area_in_the_unit_of_the_projection(tmp_path):
    shp = tmp_path / "utm.shp"
    assert run(["polygons", "--generate", "4", "--crs", "projected", "--vertices", "16",
                "--write-shapefile", shp, "-q", "-o", tmp_path / "g.h5"], timeout=60).returncode == 0
    r = run(["polygons", shp, "--area", "planar", "-o", tmp_path / "p.h5"], timeout=60)
    assert r.returncode == 0, r.stderr
    total = next(l for l in r.stdout.splitlines() if l.startswith("total planar area"))
    assert total.endswith(" m²"), total
    assert "unit²" not in r.stdout and "units²" not in r.stdout, r.stdout
    r = run(["polygons", "--generate", "4", "--vertices", "16", "--area", "planar",
             "-o", tmp_path / "d.h5"], timeout=60)
    assert r.returncode == 0, r.stderr
    total = next(l for l in r.stdout.splitlines() if l.startswith("total planar area"))
    assert total.endswith(" degree²"), total
