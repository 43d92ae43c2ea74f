"""Stopping on request and continuing (issue #10; docs/reliability.md "How a run can end").

- SIGTERM, SIGINT, SIGUSR1 to every rank or to one rank, at 1 and 2 ranks, at random moments:
  nbody writes a checkpoint, keeps its frames so far in a valid output (completed = 0), prints
  one line with the command that continues, and exits 75 within seconds; the continued run
  (--restart auto) ends with datasets bitwise equal to an uninterrupted run's;
- pi (series, Monte Carlo, tolerance, sweep) and polygons stop promptly with nothing on disk;
- a rank that stops answering, or a second signal, ends the job (no hang);
- nbody --integrator hermite stops after the current block step (between snapshot times) and
  continues bitwise;
- --time-limit / SLURM_JOB_END_TIME stop cleanly before the limit; --checkpoint-walltime
  checkpoints by wall time.

Every subprocess has a deadline, so a hang fails the test instead of blocking CI."""
import os
import random
import shlex
import signal
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import check_sidecar, finish, kill_started, rank_pids, run, start, wait_for

STOP_DEADLINE = 10  # seconds from the signal to the job's end (the bound)

@pytest.fixture(autouse=True)
def no_orphans():
    """Whatever a test started is gone when it ends, even if it failed half-way."""
    yield
    kill_started()


def names(directory):
    return sorted(p.name for p in Path(directory).iterdir())


def assert_valid_checkpoint(path, n):
    with h5py.File(path) as f:
        assert f.attrs["format"] == "rankwise-nbody-checkpoint 1"
        pos = f["positions"][()]
        assert pos.shape == (n, 3) and np.isfinite(pos).all()
        return int(f.attrs["step"])


# --- nbody -------------------------------------------------------------------------------------
N = 1500
PHYSICS = ["--particles", N, "--snapshot-every", 50, "--dt", 1e-3, "--softening", 0.02]
NBODY = ["nbody", "--steps", 8000] + PHYSICS
LONG_NBODY = ["nbody", "--steps", 10**5] + PHYSICS  # always stopped before its end
DATASETS = ["positions", "velocities", "time", "energy", "kinetic_energy", "potential_energy",
            "momentum", "center_of_mass", "masses"]


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    """The uninterrupted run every continued one must equal."""
    d = tmp_path_factory.mktemp("straight")
    r = run(NBODY + ["-q", "-o", d / "whole.h5"], ranks=2, timeout=600)
    assert r.returncode == 0, r.stderr
    return d / "whole.h5"


def continue_until_done(printed, cwd, limit=5):
    """Run the 'continue with:' command rankwise printed until it completes."""
    words = shlex.split(printed)
    ranks = 1
    if words[0] == "mpiexec":
        ranks = int(words[2])
        words = words[3:]
    assert words[0] == "rankwise"
    for _ in range(limit):
        r = run(words[1:] + ["-q"], ranks=ranks, cwd=cwd, timeout=600)
        if r.returncode == 0:
            return r
        assert r.returncode == 75, r.stderr
    raise AssertionError("did not complete")


def assert_equal_trajectories(a, b):
    with h5py.File(a) as x, h5py.File(b) as y:
        for name in DATASETS:
            np.testing.assert_array_equal(x["nbody"][name][()], y["nbody"][name][()], err_msg=name)
        assert y["nbody"].attrs["completed"] == 1


CASES = [  # (ranks, signal, who gets it)
    (1, signal.SIGTERM, "all"),
    (1, signal.SIGINT, "all"),
    (2, signal.SIGTERM, "all"),
    (2, signal.SIGUSR1, "all"),
    (2, signal.SIGTERM, "rank 1"),
    (2, signal.SIGINT, "rank 0"),
]


@pytest.mark.parametrize("ranks,sig,who", CASES,
                         ids=[f"np{r}-{s.name}-{w.replace(' ', '')}" for r, s, w in CASES])
def test_nbody_signal_keeps_frames_and_checkpoint_and_continues_bitwise(tmp_path, straight, ranks,
                                                                       sig, who):
    out, ck = tmp_path / "run.h5", tmp_path / "run.ck.h5"
    # Frequent checkpoints: some signals land while one is being written.
    proc = start(NBODY + ["-o", out, "--checkpoint", ck, "--restart", "auto",
                          "--checkpoint-every", 25], ranks, tmp_path)
    pids = rank_pids(proc.pid, ranks)
    wait_for(lambda: any(n.startswith(".run.h5.tmp-") for n in names(tmp_path)), 60, "the output")
    time.sleep(random.uniform(0.3, 2.0))
    victims = pids if who == "all" else [pids[int(who.split()[1])]]
    for p in victims:
        os.kill(p, sig)
    t0 = time.monotonic()
    code, _, err = finish(proc, STOP_DEADLINE + 20)
    seconds = time.monotonic() - t0
    print(f"np{ranks} {sig.name} to {who}: exit {code} after {seconds:.2f} s")
    assert seconds < STOP_DEADLINE, err
    assert code == 75, err
    stops = [l for l in err.splitlines() if l.startswith("rankwise: stopped by")]
    assert len(stops) == 1 and sig.name in stops[0] and "continue with: " in stops[0], err
    assert names(tmp_path) == ["run.ck.h5", "run.h5", "run.xdmf"]
    step = assert_valid_checkpoint(ck, N)
    with h5py.File(out) as f:
        g = f["nbody"]
        assert g.attrs["completed"] == 0 and g.attrs["stop_reason"] == sig.name
        assert g.attrs["last_step"] == step
        frames = g["time"].shape[0]
        assert frames >= 1 and g["positions"].shape == (frames, N, 3)
        assert np.isfinite(g["positions"][()]).all()
        assert g["time"][-1] <= step * 1e-3 + 1e-12
    assert check_sidecar(out) == frames
    continue_until_done(stops[0].split("continue with: ")[1], tmp_path)
    assert names(tmp_path) == ["run.ck.h5", "run.h5", "run.xdmf"]
    assert_equal_trajectories(straight, out)
    # The sidecar and the per-frame views cover the taken-over frames and the new ones.
    assert check_sidecar(out) == check_sidecar(straight)


def test_sigterm_to_mpiexec_stops_within_its_grace(tmp_path):
    """mpiexec forwards SIGTERM after odls_base_sigkill_timeout seconds and SIGKILLs as long
    after that (docs/reliability.md): with 5 s the run checkpoints and stops in between."""
    out, ck = tmp_path / "run.h5", tmp_path / "ck.h5"
    proc = start(LONG_NBODY + ["-o", out, "--checkpoint", ck], 2, tmp_path,
                 {"OMPI_MCA_odls_base_sigkill_timeout": "5"})
    wait_for(lambda: any(n.startswith(".run.h5.tmp-") for n in names(tmp_path)), 60, "the output")
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    code, _, err = finish(proc, 60)
    print(f"exit {code} {time.monotonic() - t0:.2f} s after SIGTERM to mpiexec")
    assert time.monotonic() - t0 < 5 + STOP_DEADLINE + 5
    assert "rankwise: stopped by SIGTERM" in err, err
    assert names(tmp_path) == ["ck.h5", "run.h5", "run.xdmf"]
    assert_valid_checkpoint(ck, N)
    with h5py.File(out) as f:
        assert f["nbody"].attrs["completed"] == 0


def test_restart_auto_without_checkpoint_starts_and_says_nothing_to_do_when_complete(tmp_path):
    args = ["nbody", "--particles", 64, "--steps", 20, "-o", tmp_path / "a.h5",
            "--checkpoint", tmp_path / "ck.h5", "--restart", "auto"]
    r = run(args, ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    r = run(args, ranks=2, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "nothing to do" in r.stdout
    r = run(args + ["--dt", "0.5"], ranks=1, timeout=120)
    assert r.returncode == 2 and "--dt: differs from the checkpoint" in r.stderr, r.stderr
    r = run(["nbody", "--restart", "auto", "-o", tmp_path / "b.h5"], timeout=60)
    assert r.returncode == 2 and "needs --checkpoint" in r.stderr


@pytest.mark.parametrize("source", ["option", "slurm"])
def test_time_limit_checkpoints_and_stops_before_it(tmp_path, source):
    """A run that needs longer than the limit warns early, stops with the 10 s margin, exit 75."""
    out, ck = tmp_path / "run.h5", tmp_path / "ck.h5"
    limit = 14
    args = ["nbody", "--particles", N, "--steps", 10**6, "--snapshot-every", 500,
            "-o", out, "--checkpoint", ck]
    env = {}
    if source == "option":
        args += ["--time-limit", f"{limit}s"]
    else:
        env["SLURM_JOB_END_TIME"] = str(int(time.time()) + limit)
    t0 = time.monotonic()
    proc = start(args, 2, tmp_path, env)
    code, _, err = finish(proc, limit + 30)
    seconds = time.monotonic() - t0
    print(f"stopped after {seconds:.1f} s of a {limit} s limit")
    assert code == 75, err
    assert seconds < limit, err
    assert "the time limit" in err and "will checkpoint and stop before it" in err, err
    step = assert_valid_checkpoint(ck, N)
    with h5py.File(out) as f:
        assert f["nbody"].attrs["completed"] == 0 and f["nbody"].attrs["last_step"] == step
        assert "time limit" in f["nbody"].attrs["stop_reason"]


def test_checkpoint_walltime_writes_checkpoints_during_the_run(tmp_path):
    ck = tmp_path / "ck.h5"
    # 12000 steps: several seconds at any speed here, so the 1 s checkpoints come well
    # before the final one (at 3000 steps a fast machine finished in 1.6 s, racing the poll)
    proc = start(["nbody", "--particles", N, "--steps", 12000, "--snapshot-every", 1000,
                  "-o", tmp_path / "run.h5", "--checkpoint", ck, "--checkpoint-walltime", "1s",
                  "-q"], 2, tmp_path)
    wait_for(ck.exists, 60, "a checkpoint by wall time")
    assert proc.poll() is None, "the checkpoint came only at the end"
    with h5py.File(ck) as f:
        assert 0 < int(f.attrs["step"]) < 12000
    code, _, err = finish(proc, 600)
    assert code == 0, err
    for bad in ["0", "abc", "5x"]:
        r = run(["nbody", "--checkpoint", ck, "--checkpoint-walltime", bad, "-o", tmp_path / "x.h5"])
        assert r.returncode == 2 and "--checkpoint-walltime" in r.stderr, r.stderr


def test_rank_that_stops_answering_ends_the_job(tmp_path):
    """SIGSTOP rank 1, SIGTERM rank 0: rank 0 cannot agree, its watchdog ends it after the
    grace time; mpiexec then ends the job. No hang; no output left."""
    out = tmp_path / "run.h5"
    proc = start(LONG_NBODY + ["-o", out, "-q"], 2, tmp_path)
    pids = rank_pids(proc.pid, 2)
    wait_for(lambda: any(n.startswith(".run.h5.tmp-") for n in names(tmp_path)), 60, "the output")
    time.sleep(0.5)
    os.kill(pids[1], signal.SIGSTOP)
    os.kill(pids[0], signal.SIGTERM)
    t0 = time.monotonic()
    try:
        code, _, err = finish(proc, 60)
    finally:
        try:
            os.kill(pids[1], signal.SIGKILL)
        except ProcessLookupError:
            pass
    print(f"exit {code} after {time.monotonic() - t0:.1f} s")
    assert code != 0
    assert "did not stop in time" in err, err
    assert names(tmp_path) == []


def test_second_signal_ends_at_once(tmp_path):
    """A second signal (more than a second after the first) ends the process at once, removing
    its temporaries, even while it is stuck."""
    out = tmp_path / "run.h5"
    proc = start(LONG_NBODY + ["-o", out, "-q"], 2, tmp_path)
    pids = rank_pids(proc.pid, 2)
    wait_for(lambda: any(n.startswith(".run.h5.tmp-") for n in names(tmp_path)), 60, "the output")
    os.kill(pids[1], signal.SIGSTOP)  # rank 0 cannot finish its stop: it waits for rank 1
    os.kill(pids[0], signal.SIGTERM)
    time.sleep(1.5)
    os.kill(pids[0], signal.SIGTERM)
    t0 = time.monotonic()
    try:
        code, _, err = finish(proc, 30)
    finally:
        try:
            os.kill(pids[1], signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert time.monotonic() - t0 < 8, err
    assert code != 0 and "second signal" in err, err
    assert names(tmp_path) == []


# --- pi and polygons: nothing written --------------------------------------------------------
PI_CASES = {
    "series": ["pi", "--terms", "4e13"],
    "montecarlo": ["pi", "--method", "montecarlo", "--samples", "1e13"],
    "tolerance": ["pi", "--method", "montecarlo", "--tolerance", "1e-15", "--samples", "1e14"],
    "sweep": ["pi", "--sweep", "--terms", "1e14"],
    "polygons": ["polygons", "--generate", "300000", "--vertices", "64", "--area", "geodesic"],
}


@pytest.mark.parametrize("ranks,who", [(1, "all"), (2, "all"), (2, "rank 1")])
@pytest.mark.parametrize("case", list(PI_CASES))
def test_pi_and_polygons_stop_promptly_with_nothing_written(tmp_path, case, ranks, who):
    proc = start(PI_CASES[case] + ["-o", tmp_path / "r.h5"], ranks, tmp_path)
    pids = rank_pids(proc.pid, ranks)
    wait_for(lambda: any(n.startswith(".r.h5.tmp-") for n in names(tmp_path)), 60, "the output")
    time.sleep(random.uniform(0.5, 2.0))
    sig = random.choice([signal.SIGTERM, signal.SIGINT, signal.SIGUSR2])
    for p in (pids if who == "all" else [pids[1]]):
        os.kill(p, sig)
    t0 = time.monotonic()
    code, _, err = finish(proc, STOP_DEADLINE + 20)
    print(f"{case} np{ranks} {sig.name} to {who}: exit {code} after {time.monotonic() - t0:.2f} s")
    assert time.monotonic() - t0 < STOP_DEADLINE
    assert code == 128 + sig, err
    lines = [l for l in err.splitlines() if l.startswith("rankwise: error")]
    assert len(lines) == 1 and f"stopped by {sig.name}" in lines[0], err
    assert names(tmp_path) == [], "a stopped pi/polygons run leaves nothing"


# --- nbody --integrator hermite: stops between snapshot times ---------------------------------
def _ok(r):
    assert r.returncode == 0, r.stdout + r.stderr
    return r


# (0.25, 24): many snapshots; (64, 64): one snapshot interval of ~10 s here, so the signal at
# 1.5 s always lands between snapshot times.
@pytest.mark.parametrize("snapshot_dt,t_end", [(0.25, 24), (64, 64)])
def test_hermite_signal_then_restart_auto_equals_uninterrupted_run(tmp_path, snapshot_dt, t_end):
    """SIGTERM to every rank: checkpoint after the current block step (particles at their own
    times when between snapshots), exit 75 within seconds; the same command continues
    (--restart auto) to an output equal to an uninterrupted run's, at another rank count."""
    args = ["nbody", "--integrator", "hermite", "--particles", 1024, "--softening", 0,
            "--snapshot-dt", snapshot_dt, "--t-end", t_end, "-q"]
    out, ck = tmp_path / "run.h5", tmp_path / "run.ck.h5"
    proc = start(args + ["-o", out, "--checkpoint", ck, "--restart", "auto"], 2, tmp_path)
    pids = rank_pids(proc.pid, 2)
    time.sleep(1.5)
    for p in pids:
        os.kill(p, signal.SIGTERM)
    t0 = time.monotonic()
    code, _, err = finish(proc, 60)
    assert time.monotonic() - t0 < STOP_DEADLINE, err
    assert code == 75, err
    with h5py.File(ck) as f:
        step = int(f.attrs["step"])
        assert 0 <= step < t_end / snapshot_dt
        times = f["particle_times"][()]
        assert np.all(times >= step * snapshot_dt) and np.all(times <= (step + 1) * snapshot_dt)
        if snapshot_dt == t_end:
            assert len(np.unique(times)) > 1  # stopped between snapshot times
    _ok(run(args + ["-o", out, "--checkpoint", ck, "--restart", "auto"], ranks=1, timeout=600))
    _ok(run(args + ["-o", tmp_path / "whole.h5"], ranks=2, timeout=600))
    with h5py.File(tmp_path / "whole.h5") as w, h5py.File(out) as b:
        assert b["nbody"].attrs["completed"] == 1
        for name in ["positions", "velocities", "energy", "time"]:
            assert np.array_equal(w["nbody"][name][()], b["nbody"][name][()]), name
