"""Helpers for end-to-end tests: run the rankwise binary under mpiexec with a timeout."""
import os
import signal
import time
import subprocess
from pathlib import Path

RANKWISE = os.environ.get("RANKWISE_BIN", str(Path(__file__).resolve().parents[2] / "build/bin/rankwise"))
SHARED_DATA = Path(os.environ.get("RANKWISE_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared/data"))

ENV = dict(os.environ,
           OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMP_NUM_THREADS="1",
           # block steps make many short parallel regions: idle threads must not spin on
           # the cores the other ranks of an oversubscribed test need
           OMP_WAIT_POLICY="passive",
           # libmunge without munged: PMIx's munge plugin would retry ~2.3 s per start-up
           PMIX_MCA_psec="native")


def run(args, ranks=1, timeout=300, cwd=None, env=None):
    """Run `mpiexec -q -n ranks rankwise args...`; a hang raises TimeoutExpired (test fails).
    Ranks are not bound to one core each (Open MPI's default), so a test with --threads 2 gives
    its threads cores as a user should, and rankwise has no reason to warn about it."""
    cmd = ["mpiexec", "-q", "--bind-to", "none", "-n", str(ranks), RANKWISE] + [str(a) for a in args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd,
                          env=dict(ENV, **(env or {})))


def error_lines(result):
    """The lines rankwise printed as errors (stderr lines starting 'rankwise: error')."""
    return [l for l in result.stderr.splitlines() if l.startswith("rankwise: error")]


def assert_clean_failure(result, directory=None, expect_code=None):
    """Non-zero exit, exactly one 'rankwise: error' line, nothing left behind in `directory`."""
    assert result.returncode != 0, result.stdout + result.stderr
    if expect_code is not None:
        assert result.returncode == expect_code, (result.returncode, result.stderr)
    lines = error_lines(result)
    assert len(lines) == 1, result.stderr
    if directory is not None:
        leftovers = [p.name for p in Path(directory).iterdir()]
        assert leftovers == [], leftovers
    return lines[0]


def shared_data(*parts):
    """Path inside ../shared/data, or None when it is absent (tests then skip)."""
    p = SHARED_DATA.joinpath(*parts)
    return p if p.exists() else None


def children(pid):
    """PIDs of the direct children of `pid` (from /proc)."""
    out = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the last ')'.
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid:
            out.append(int(d.name))
    return out


# --- jobs started in the background (signals, kills): each test's leftovers are killed -----
STARTED = []


def start(args, ranks, cwd=None, extra_env=None):
    """`mpiexec -q -n ranks rankwise args...` in its own session, not waited for."""
    cmd = ["mpiexec", "-q", "-n", str(ranks), RANKWISE] + [str(a) for a in args]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=cwd, env=dict(ENV, **(extra_env or {})), start_new_session=True)
    STARTED.append(proc)
    return proc


def finish(proc, timeout):
    """Wait for `proc`; on timeout kill its whole session and fail (a hang)."""
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise AssertionError(f"mpiexec still running after {timeout} s: a hang")
    return proc.returncode, out, err


def kill_started():
    """Kill whatever start() began and is still running (for an autouse fixture)."""
    while STARTED:
        proc = STARTED.pop()
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.communicate()


def rank_pids(mpiexec_pid, expect, timeout=30):
    """The rankwise processes under mpiexec (direct children, or grandchildren via orted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = set()
        for c in children(mpiexec_pid):
            for p in [c] + children(c):
                try:
                    if os.readlink(f"/proc/{p}/exe") == os.path.realpath(RANKWISE):
                        found.add(p)
                except OSError:
                    pass
        if len(found) >= expect:
            return sorted(found)
        time.sleep(0.05)
    raise AssertionError(f"did not find {expect} rankwise ranks under mpiexec {mpiexec_pid}")


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


MAX_ROW_VIEWS = 1000  # io::kMaxRowViews


def viewed_frames(frames):
    """The frames the sidecar shows (io::viewed_rows): all up to MAX_ROW_VIEWS, else every k-th
    (the smallest k that fits) and the last."""
    if frames <= MAX_ROW_VIEWS:
        return list(range(frames))
    k = (frames - 2) // (MAX_ROW_VIEWS - 1) + 1
    shown = list(range(0, frames, k))
    return shown if shown[-1] == frames - 1 else shown + [frames - 1]


def check_sidecar(h5_path):
    """The XDMF sidecar of nbody output `h5_path` covers the file's frames (every one up to
    MAX_ROW_VIEWS, see viewed_frames): one grid per frame shown, named by its index, at the
    file's time, its vertex list, positions and velocities read (through h5py) as exactly the
    file's /nbody/particle, positions[f] and velocities[f]. Returns the count of grids."""
    import xml.etree.ElementTree as ET

    import h5py
    import numpy as np

    h5_path = Path(h5_path)
    doc = ET.parse(h5_path.with_suffix(".xdmf")).getroot()
    grids = doc.find("Domain").find("Grid").findall("Grid")

    def item(node, f):
        name, path = node.find("DataItem").text.strip().split(":")
        assert name == h5_path.name
        return f[path][()]

    with h5py.File(h5_path) as f:
        g = f["nbody"]
        times, pos, vel = g["time"][()], g["positions"][()], g["velocities"][()]
        n = pos.shape[1]
        assert len(times) == pos.shape[0]
        shown = [int(grid.get("Name").split()[1]) for grid in grids]
        assert shown == viewed_frames(len(times))
        for k, grid in zip(shown, grids):
            assert float(grid.find("Time").get("Value")) == times[k]
            np.testing.assert_array_equal(item(grid.find("Topology"), f), np.arange(n))
            np.testing.assert_array_equal(item(grid.find("Geometry"), f), pos[k])
            attributes = {a.get("Name"): a for a in grid.findall("Attribute")}
            np.testing.assert_array_equal(item(attributes["velocity"], f), vel[k])
            np.testing.assert_array_equal(item(attributes["mass"], f), g["masses"][()])
    return len(grids)
