"""Soak: a long small run, a chain of restarts, and repeated runs in a loop stay stable:
same results, no memory growth, no leaked files (outputs, temporaries, shared-memory segments).

CI runs the short variant (about a minute). RANKWISE_SOAK=long runs ~10x longer:
    RANKWISE_SOAK=long RANKWISE_BIN=build/bin/rankwise /usr/bin/python3 -m pytest tests/e2e/test_soak.py
"""
import os
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np

from rwtest import children, ENV, RANKWISE, run

LONG = os.environ.get("RANKWISE_SOAK", "") == "long"
SCALE = 10 if LONG else 1


def ok(args, ranks=2, timeout=600):
    r = run(list(args) + ["-q"], ranks=ranks, timeout=timeout)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def rank_pids(mpiexec_pid):
    """The rankwise processes started directly by mpiexec."""
    out = []
    for p in children(mpiexec_pid):
        try:
            if os.readlink(f"/proc/{p}/exe") == os.path.realpath(RANKWISE):
                out.append(p)
        except OSError:
            continue
    return out


def shm_entries():
    """Open MPI's shared-memory backing files and session directories on this node."""
    names = set()
    for d in ("/dev/shm", "/tmp"):
        try:
            names |= {f"{d}/{p}" for p in os.listdir(d) if p.startswith(("vader", "ompi", "sm_segment", "openmpi"))}
        except OSError:
            pass
    return names


def test_long_run_is_stable_and_does_not_grow(tmp_path):
    """400 000 steps (long: 4 000 000): the rank processes' RSS, sampled every 0.1 s, does not
    grow from the second quarter of the run to the last, and the energy error stays small
    (leapfrog is symplectic). (A restart's force-evaluation counter includes the extra
    evaluation for the first frame's potential, so it is not compared across a chain.)"""
    steps = 400000 * SCALE
    out = tmp_path / "long.h5"
    cmd = ["mpiexec", "-q", "-n", "2", RANKWISE, "nbody", "--particles", "96", "--steps", str(steps),
           "--snapshot-every", str(steps // 20), "--softening", "0.05", "-q", "-o", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV)
    samples = []
    try:
        deadline = time.monotonic() + 900 * SCALE
        pids = []
        while proc.poll() is None and time.monotonic() < deadline:
            if not pids:
                pids = rank_pids(proc.pid)
            try:
                if pids:
                    samples.append(sum(rss_kib(p) for p in pids))
            except OSError:
                pass
            time.sleep(0.1)
        if proc.poll() is None:
            proc.kill()
            raise AssertionError("long run did not finish: a hang")
        _, err = proc.communicate()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    with h5py.File(out) as f:
        assert f["nbody"].attrs["steps"] == steps
        assert abs(f["nbody"].attrs["relative_energy_error"]) < 1e-2
        assert np.isfinite(f["nbody/positions"][-1]).all()
    print(f"{len(samples)} RSS samples, KiB: first {samples[:1]}, max {max(samples, default=0)}")
    assert len(samples) >= 20, "run too short to judge memory growth"
    q = len(samples) // 4
    settled = max(samples[q:2 * q])            # second quarter: after start-up
    late = max(samples[3 * q:])                # last quarter
    assert late <= settled * 1.05 + 4096, (settled, late)


def test_restart_chain_matches_one_run(tmp_path):
    """Ten (long: 50) restarts from checkpoints, alternating 1 and 2 ranks, end bit for bit
    where one uninterrupted run ends; each link leaves exactly its own files."""
    links, per = (50, 40) if LONG else (10, 40)
    common = ["--particles", "48", "--softening", "0.05", "--integrator", "rk4", "--snapshot-every", "1000"]
    ck = tmp_path / "ck.h5"
    ok(["nbody", *common, "--steps", per, "--checkpoint", ck, "-o", tmp_path / "link0.h5"])
    for i in range(1, links):
        ok(["nbody", "--restart", ck, "--steps", per * (i + 1), "--checkpoint", ck,
            "--overwrite", "--snapshot-every", "1000", "-o", tmp_path / f"link{i}.h5"],
           ranks=1 + i % 2)
    ok(["nbody", *common, "--steps", per * links, "-o", tmp_path / "whole.h5"])
    with h5py.File(tmp_path / f"link{links - 1}.h5") as c, h5py.File(tmp_path / "whole.h5") as w:
        np.testing.assert_array_equal(c["nbody/positions"][-1], w["nbody/positions"][-1])
        np.testing.assert_array_equal(c["nbody/velocities"][-1], w["nbody/velocities"][-1])
    with h5py.File(ck) as f:
        assert f.attrs["step"] == per * links
    expected = {"ck.h5", "whole.h5", "whole.xdmf"} | {f"link{i}.{e}" for i in range(links)
                                                       for e in ("h5", "xdmf")}
    assert {p.name for p in tmp_path.iterdir()} == expected  # no temporaries left behind


def test_repeated_runs_give_identical_results_and_leak_nothing(tmp_path):
    """The same runs again and again (every subcommand, with --overwrite): bitwise-identical
    results, one output file each, no Open MPI shared-memory files left behind."""
    before = shm_entries()
    rounds = 8 * SCALE
    first = {}
    for i in range(rounds):
        ranks = 1 + i % 2
        ok(["pi", "--terms", "1000003", "-o", tmp_path / "pi.h5", "--overwrite"], ranks=ranks)
        ok(["pi", "--method", "montecarlo", "--samples", "100003", "-o", tmp_path / "mc.h5",
            "--overwrite"], ranks=ranks)
        ok(["nbody", "--particles", "30", "--steps", "20", "-o", tmp_path / "nb.h5", "--overwrite"],
           ranks=ranks)
        ok(["polygons", "--generate", "50", "-o", tmp_path / "pg.h5", "--overwrite"], ranks=ranks)
        with h5py.File(tmp_path / "pi.h5") as a, h5py.File(tmp_path / "mc.h5") as b, \
                h5py.File(tmp_path / "nb.h5") as c, h5py.File(tmp_path / "pg.h5") as d:
            now = {"pi": a["pi"].attrs["estimate"], "mc": b["pi"].attrs["hits"],
                   "nb": c["nbody/positions"][-1].tobytes(), "pg": d["polygons/area_m2"][()].tobytes()}
        if i == 0:
            first = now
        assert now == first, f"round {i} differs"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mc.h5", "nb.h5", "nb.xdmf", "pg.h5", "pi.h5"]
    # A leaked entry stays; one of another MPI job running on this machine meanwhile (a
    # developer's, another test's) goes when that job ends: wait up to 20 s for those.
    deadline = time.monotonic() + 20
    time.sleep(0.5)
    leaked = shm_entries() - before
    while leaked and time.monotonic() < deadline:
        time.sleep(0.5)
        leaked = shm_entries() - before
    assert not leaked, leaked
