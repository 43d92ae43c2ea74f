"""Failure semantics of a whole job (docs/reliability.md names the test behind each claim):

- one rank failing ends every rank promptly with one message (agreed or, if it cannot be
  agreed, by MPI_Abort after the 10 s grace period): no rank waits forever in a collective;
- a rank killed with SIGKILL ends the job by itself within seconds; the output path then holds
  nothing, or the complete file it held before (with --overwrite), never a torn one;
- a crash while a checkpoint is being written leaves the previous checkpoint intact and
  --restart continues from it;
- a run that cannot fit in memory is refused before it allocates.

Every subprocess has a timeout, so a hang fails the test instead of blocking CI."""
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import (ENV, RANKWISE, STARTED, error_lines, finish, kill_started, rank_pids,
                    run, start, wait_for)

KILL_DEADLINE = 30   # seconds from SIGKILL to mpiexec's exit that we accept (measured: ~1 s)


@pytest.fixture(autouse=True)
def no_orphans():
    """Whatever a test started is gone when it ends, even if it failed half-way."""
    yield
    kill_started()


def kill_rank_and_measure(proc, victim):
    os.kill(victim, signal.SIGKILL)
    t0 = time.monotonic()
    code, out, err = finish(proc, KILL_DEADLINE)
    return code, time.monotonic() - t0, out, err


def visible(directory):
    return sorted(p.name for p in Path(directory).iterdir() if not p.name.startswith("."))


# --- SIGKILL --------------------------------------------------------------------------------
LONG_NBODY = ["nbody", "--particles", 2000, "--steps", 10**6, "--snapshot-every", 100000, "-q"]
LONG_PI = ["pi", "--terms", "4e15", "-q"]


@pytest.mark.parametrize("which", [0, 1], ids=["root", "non-root"])
@pytest.mark.parametrize("workload", ["nbody", "pi"])
def test_sigkill_of_one_rank_ends_the_job(tmp_path, workload, which):
    """SIGKILL of rank 0 or 1 mid-run: mpiexec notices, kills the other rank, exits non-zero
    within seconds; the output path holds nothing (only the hidden temporary may remain)."""
    out = tmp_path / "run.h5"
    args = (LONG_NBODY if workload == "nbody" else LONG_PI) + ["-o", out]
    proc = start(args, ranks=2, cwd=tmp_path)
    pids = rank_pids(proc.pid, 2)
    # Let the run get going (past reservation: the temporary exists).
    wait_for(lambda: any(p.name.startswith(".run.h5.tmp-") for p in tmp_path.iterdir()), 60,
             "the run to reserve its output")
    time.sleep(1.0)
    code, seconds, out_text, err = kill_rank_and_measure(proc, pids[which])
    assert code != 0, err
    assert seconds < KILL_DEADLINE
    print(f"{workload}: mpiexec exited {code} {seconds:.2f} s after SIGKILL of rank pid {pids[which]}")
    assert visible(tmp_path) == [], "the final output path must not exist after a crash"
    for p in pids:  # no orphan rank keeps running
        wait_for(lambda p=p: not Path(f"/proc/{p}").exists() or
                 Path(f"/proc/{p}/stat").read_text().split(") ")[1].startswith("Z"), 10,
                 f"rank {p} to be gone")


def test_sigkill_keeps_the_previous_complete_output(tmp_path):
    """With --overwrite over a good file, a crash mid-run leaves the old file, byte for byte."""
    out = tmp_path / "run.h5"
    r = run(["pi", "--terms", "1000", "-q", "-o", out], ranks=2, timeout=60)
    assert r.returncode == 0, r.stderr
    before = out.read_bytes()
    proc = start(LONG_PI + ["-o", out, "--overwrite"], ranks=2, cwd=tmp_path)
    pids = rank_pids(proc.pid, 2)
    wait_for(lambda: any(p.name.startswith(".run.h5.tmp-") for p in tmp_path.iterdir()), 60,
             "the run to reserve its output")
    time.sleep(0.5)
    code, seconds, _, err = kill_rank_and_measure(proc, pids[1])
    assert code != 0 and seconds < KILL_DEADLINE, err
    assert out.read_bytes() == before
    with h5py.File(out) as f:
        assert f["pi"].attrs["terms"] == 1000


def test_sigkill_during_trajectory_writes_leaves_no_torn_output(tmp_path):
    """nbody writes frames while it computes: kill while frames are being written (every step)."""
    out = tmp_path / "traj.h5"
    proc = start(["nbody", "--particles", 500, "--steps", 10**6, "--snapshot-every", 1, "-q",
                  "-o", out], ranks=2, cwd=tmp_path)
    pids = rank_pids(proc.pid, 2)
    wait_for(lambda: any(p.name.startswith(".traj.h5.tmp-") for p in tmp_path.iterdir()), 60,
             "the trajectory file")
    time.sleep(1.5)
    code, seconds, _, err = kill_rank_and_measure(proc, pids[0])
    assert code != 0 and seconds < KILL_DEADLINE, err
    assert visible(tmp_path) == []


def test_crash_during_checkpoint_keeps_the_previous_one(tmp_path):
    """Checkpoint every step; SIGKILL a rank while a checkpoint temporary exists. The published
    checkpoint is the last complete one, and --restart continues from it bit for bit."""
    ck = tmp_path / "ck.h5"
    common = ["--particles", 1500, "--softening", 0.05, "--integrator", "leapfrog", "--dt", 1e-3]
    caught_mid_write = False
    for attempt in range(5):
        for p in tmp_path.iterdir():
            p.unlink()
        proc = start(["nbody", *common, "--steps", 10**6, "--snapshot-every", 10**5,
                      "--checkpoint", ck, "--checkpoint-every", 1, "-q", "-o", tmp_path / "a.h5"],
                     ranks=2, cwd=tmp_path)
        pids = rank_pids(proc.pid, 2)
        wait_for(ck.exists, 120, "the first checkpoint")
        time.sleep(0.3)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:  # pounce while a checkpoint is being written
            if any(p.name.startswith(".ck.h5.tmp-") for p in tmp_path.iterdir()):
                os.kill(pids[attempt % 2], signal.SIGKILL)
                caught_mid_write = True
                break
        else:
            os.kill(pids[attempt % 2], signal.SIGKILL)
        code, _, err = finish(proc, KILL_DEADLINE)
        assert code != 0, err
        if caught_mid_write:
            break
    print("killed while a checkpoint temporary existed:", caught_mid_write)
    assert "a.h5" not in visible(tmp_path)
    with h5py.File(ck) as f:
        step = int(f.attrs["step"])
        assert step >= 1
        assert f["positions"].shape == (1500, 3) and np.isfinite(f["positions"][()]).all()
    # Continue from the survivor, and compare with an uninterrupted run to the same step.
    target = step + 3
    r = run(["nbody", "--restart", ck, "--steps", target, "-q", "-o", tmp_path / "cont.h5"],
            ranks=2, timeout=300)
    assert r.returncode == 0, r.stderr
    r = run(["nbody", *common, "--steps", target, "--snapshot-every", 10**5, "-q",
             "-o", tmp_path / "whole.h5"], ranks=2, timeout=600)
    assert r.returncode == 0, r.stderr
    with h5py.File(tmp_path / "cont.h5") as c, h5py.File(tmp_path / "whole.h5") as w:
        np.testing.assert_array_equal(c["nbody/positions"][-1], w["nbody/positions"][-1])
        np.testing.assert_array_equal(c["nbody/velocities"][-1], w["nbody/velocities"][-1])


# --- one rank fails: everybody stops, one message ------------------------------------------------
def mpmd(parts, timeout=60, cwd=None):
    """mpiexec with one app context per part: (env dict, args) each running one rank."""
    cmd = ["mpiexec", "-q"]
    for i, (env, args) in enumerate(parts):
        if i:
            cmd.append(":")
        cmd += ["-n", "1", "env", *[f"{k}={v}" for k, v in env.items()], RANKWISE, *map(str, args)]
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, env=ENV, start_new_session=True)
    STARTED.append(proc)
    code, out, err = finish(proc, timeout)
    return subprocess.CompletedProcess(cmd, code, out, err), time.monotonic() - t0


def test_agreed_failure_on_a_non_root_rank(tmp_path):
    """Rank 1 alone cannot fit the run (its memory limit): every rank stops at the agreed
    check, rank 0 prints the one message, exit 1, nothing written."""
    args = ["nbody", "--particles", 20000, "--steps", 5, "-o", tmp_path / "o.h5"]
    r, seconds = mpmd([({}, args), ({"RANKWISE_MEMORY_LIMIT": "1M"}, args)], cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert len(error_lines(r)) == 1 and "not enough memory" in error_lines(r)[0], r.stderr
    assert seconds < 20
    assert list(tmp_path.iterdir()) == []


def test_rank_local_usage_error_does_not_hang(tmp_path):
    """Ranks that disagree about the command line (a --config on node-local disk, an MPMD
    launch): rank 1 fails while rank 0 goes on into collectives. The job must still end:
    agreed when every rank fails, else MPI_Abort after the 10 s grace period."""
    good = ["pi", "--terms", "4e15", "-q", "-o", tmp_path / "o.h5"]
    bad = ["pi", "--terms", "bogus", "-q", "-o", tmp_path / "o.h5"]
    for parts in ([({}, good), ({}, bad)], [({}, bad), ({}, good)]):
        r, seconds = mpmd(parts, timeout=90, cwd=tmp_path)
        assert r.returncode != 0
        assert seconds < 40, seconds
        assert "--terms" in r.stderr, r.stderr
        assert visible(tmp_path) == []


def test_failure_after_work_started_is_reported_once(tmp_path):
    """A failure found late (the checkpoint directory vanishes mid-run, so the next checkpoint
    cannot be published) ends every rank promptly with one message; no output is written."""
    ckdir = tmp_path / "ckdir"
    ckdir.mkdir()
    proc = start(["nbody", "--particles", 200, "--steps", 10**7, "--checkpoint", ckdir / "ck.h5",
                  "--checkpoint-every", 20, "--snapshot-every", 10**6, "-q", "-o", tmp_path / "o.h5"],
                 ranks=2, cwd=tmp_path)
    rank_pids(proc.pid, 2)
    wait_for((ckdir / "ck.h5").exists, 120, "the first checkpoint")
    # Rename the directory away in one atomic step (rmtree can race with the job writing its
    # next temporary checkpoint into it); then delete it at leisure.
    gone = tmp_path.parent / f"{tmp_path.name}-ckdir-removed"
    os.rename(ckdir, gone)
    shutil.rmtree(gone, ignore_errors=True)
    t0 = time.monotonic()
    code, out, err = finish(proc, 120)
    lines = [l for l in err.splitlines() if l.startswith("rankwise: error")]
    assert code == 1, err
    assert len(lines) == 1 and "ckdir" in lines[0], err
    assert "aborting the job" not in err, err
    assert time.monotonic() - t0 < 60
    assert visible(tmp_path) == []


def test_memory_refusal_is_prompt_and_writes_nothing(tmp_path):
    """A run far larger than the machine is refused before allocating (not OOM-killed)."""
    t0 = time.monotonic()
    r = run(["nbody", "--particles", 2**28, "-o", tmp_path / "o.h5"], ranks=2, timeout=60)
    assert r.returncode == 1 and time.monotonic() - t0 < 30
    assert "not enough memory" in error_lines(r)[0] and "N=268435456" in error_lines(r)[0]
    assert list(tmp_path.iterdir()) == []
