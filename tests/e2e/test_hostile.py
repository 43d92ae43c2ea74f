"""Hostile conditions (issue #16): a full disk, special files as inputs, two runs writing one
output, leftovers of killed runs, non-finite physics. At 1 and 2 ranks, each with a deadline:
one clear message, a non-zero exit, no hang, no crash, nothing clobbered or half-written.

The full-disk tests mount a small tmpfs and need root; they skip with a message otherwise."""
import os
import socket
import subprocess
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import ENV, RANKWISE, error_lines, run

DEADLINE = 60  # a run that has failed must be gone by then (a hang fails the test)


def names(directory, hidden=True):
    return sorted(p.name for p in Path(directory).iterdir() if hidden or not p.name.startswith("."))


def one_error(r):
    lines = error_lines(r)
    assert len(lines) == 1, r.stderr
    assert r.returncode not in (0, 124) and r.returncode < 128, (r.returncode, r.stderr)
    return lines[0]


# --- a full disk -------------------------------------------------------------------------------
@pytest.fixture
def small_disk(tmp_path):
    """A 4 MiB tmpfs at tmp_path/disk (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    d = tmp_path / "disk"
    d.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(d)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    yield d
    subprocess.run(["umount", "-l", str(d)], check=False)


def fill(directory, leave_bytes):
    """Fill the file system of `directory` up to `leave_bytes` of free space."""
    st = os.statvfs(directory)
    free = st.f_bavail * st.f_frsize
    with open(directory / "filler", "wb") as f:
        f.write(b"\0" * max(0, free - leave_bytes))


@pytest.mark.parametrize("ranks", [1, 2])
def test_pi_on_a_full_disk_fails_cleanly(small_disk, ranks):
    fill(small_disk, 0)
    r = run(["pi", "--terms", "1e6", "-o", small_disk / "pi.h5"], ranks=ranks, timeout=DEADLINE)
    line = one_error(r)
    print(line)
    assert names(small_disk) == ["filler"]


@pytest.mark.parametrize("ranks", [1, 2])
def test_nbody_disk_fills_mid_run_keeps_the_previous_checkpoint(small_disk, ranks):
    """The trajectory outgrows the disk: the free-space check refuses it; with --force the run
    starts, the disk fills, the run ends with one message, no output, and the last checkpoint
    intact."""
    ck = small_disk / "ck.h5"
    args = ["nbody", "--particles", 2000, "--steps", 400, "--snapshot-every", 1,
            "--checkpoint", ck, "--checkpoint-every", 5, "-o", small_disk / "run.h5"]
    r = run(args, ranks=ranks, timeout=DEADLINE)
    assert "needs about" in one_error(r) and "--force" in r.stderr
    assert names(small_disk) == []
    r = run(args + ["--force"], ranks=ranks, timeout=DEADLINE)
    line = one_error(r)
    print(line)
    assert "rankwise: warning" in r.stderr
    assert names(small_disk) == ["ck.h5"], names(small_disk)
    with h5py.File(ck) as f:
        assert np.isfinite(f["positions"][()]).all() and f.attrs["step"] >= 5


@pytest.mark.parametrize("ranks", [1, 2])
def test_shapefile_that_outgrows_the_disk_leaves_nothing_behind(small_disk, ranks, tmp_path):
    """--write-shapefile of a set larger than the free space: one message, no part of the
    shapefile and no temporary left, and an earlier shapefile of that name kept whole."""
    small = ["polygons", "--generate", 10, "--crs", "projected", "-q", "--overwrite", "-o",
             tmp_path / "a.h5"]
    assert run(small + ["--write-shapefile", small_disk / "set.shp"], ranks=ranks,
               timeout=DEADLINE).returncode == 0
    before = {p.name: p.read_bytes() for p in small_disk.iterdir()}
    assert sorted(before) == ["set.cpg", "set.dbf", "set.prj", "set.shp", "set.shx"]
    big = ["polygons", "--generate", 40000, "--crs", "projected", "-q", "-o", tmp_path / "b.h5",
           "--write-shapefile", small_disk / "set.shp"]
    line = one_error(run(big, ranks=ranks, timeout=DEADLINE))
    print(line)
    assert "set.shp" in line and "No space left" in line
    assert {p.name: p.read_bytes() for p in small_disk.iterdir()} == before
    # A disk already full: the parts cannot even be created; the message says why.
    fill(small_disk, 0)
    line = one_error(run(small + ["--write-shapefile", small_disk / "set.shp"], ranks=ranks,
                         timeout=DEADLINE))
    print(line)
    assert "set.shp" in line and "No space left" in line and "rankwise-tmp" not in line
    del before  # the filler is new; the set must be as it was
    assert sorted(names(small_disk)) == ["filler", "set.cpg", "set.dbf", "set.prj", "set.shp",
                                         "set.shx"]


# --- special files ---------------------------------------------------------------------------
@pytest.fixture
def fifo(tmp_path):
    p = tmp_path / "pipe"
    os.mkfifo(p)
    return p


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("how", ["ic", "restart", "config", "shapefile", "device-ic", "output"])
def test_special_files_are_refused_without_blocking(tmp_path, fifo, how, ranks):
    out = tmp_path / "out" / "r.h5"
    out.parent.mkdir()
    if how == "ic":
        args = ["nbody", "--ic", fifo, "-o", out]
    elif how == "restart":
        args = ["nbody", "--restart", fifo, "-o", out]
    elif how == "config":
        args = ["--config", fifo, "pi", "-o", out]
    elif how == "shapefile":
        for ext in ["shx", "dbf"]:
            (tmp_path / f"pipe.{ext}").write_bytes(b"")
        os.rename(fifo, tmp_path / "pipe.shp")
        args = ["polygons", tmp_path / "pipe.shp", "-o", out]
    elif how == "device-ic":
        (tmp_path / "zero.h5").symlink_to("/dev/zero")
        args = ["nbody", "--ic", tmp_path / "zero.h5", "-o", out]
    else:
        args = ["pi", "--terms", "1000", "-o", fifo]
    t0 = time.monotonic()
    r = run(args, ranks=ranks, timeout=30)
    line = one_error(r)
    print(f"{how}: {line} ({time.monotonic() - t0:.1f} s)")
    assert any(w in line for w in ["FIFO", "device", "not a regular file"]), line
    assert names(out.parent) == []


# --- two runs, one output --------------------------------------------------------------------
def test_a_file_that_appears_meanwhile_is_not_replaced(tmp_path):
    out = tmp_path / "x.h5"
    slow = subprocess.Popen(["mpiexec", "-q", "-n", "1", RANKWISE, "pi", "--terms", "2e10",
                             "-q", "-o", out], env=ENV, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not any(n.startswith(".x.h5.tmp-") for n in names(tmp_path)):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        r = run(["pi", "--terms", "1e6", "-q", "-o", out], timeout=60)
        assert r.returncode == 0, r.stderr
        _, err = slow.communicate(timeout=300)
    finally:
        if slow.poll() is None:
            slow.kill()
    assert slow.returncode == 1, err
    assert "appeared while this run was writing" in err and "x-2.h5" in err, err
    with h5py.File(out) as f:
        assert f["pi"].attrs["terms"] == 10**6  # the second run's result, untouched
    with h5py.File(tmp_path / "x-2.h5") as f:
        assert f["pi"].attrs["terms"] == 2 * 10**10  # the first run's result, kept
    assert names(tmp_path) == ["x-2.h5", "x.h5"]


def test_leftover_temporaries_of_killed_runs_are_removed(tmp_path):
    out = tmp_path / "x.h5"
    host = socket.gethostname().replace("-", "_").replace("/", "_")
    dead = tmp_path / f".x.h5.tmp-{host}-999999999"
    dead.write_bytes(b"torn")
    other = tmp_path / ".x.h5.tmp-some_other_node-12"
    other.write_bytes(b"maybe alive")
    r = run(["pi", "--terms", "1000", "-o", out], ranks=2, timeout=60)
    assert r.returncode == 0, r.stderr
    assert not dead.exists() and f"removed '{dead}'" in r.stderr, r.stderr
    assert other.exists() and "some_other_node" in r.stderr


def test_leftover_shapefile_parts_of_killed_runs_are_removed(tmp_path):
    host = socket.gethostname().replace("-", "_").replace("/", "_")
    dead = [tmp_path / f".set.tmp-{host}-999999999.{ext}" for ext in ("shp", "dbf")]
    for p in dead:
        p.write_bytes(b"torn")
    other = tmp_path / ".set.tmp-some_other_node-12.shx"
    other.write_bytes(b"maybe alive")
    r = run(["polygons", "--generate", 5, "-q", "-o", tmp_path / "g.h5",
             "--write-shapefile", tmp_path / "set.shp"], ranks=2, timeout=60)
    assert r.returncode == 0, r.stderr
    for p in dead:
        assert not p.exists() and f"removed '{p}'" in r.stderr, r.stderr
    assert other.exists() and "some_other_node" in r.stderr
    assert sorted(names(tmp_path)) == sorted([".set.tmp-some_other_node-12.shx", "g.h5",
                                              "set.cpg", "set.dbf", "set.prj", "set.shp",
                                              "set.shx"])


# --- non-finite physics ----------------------------------------------------------------------
@pytest.mark.parametrize("ranks", [1, 2])
def test_nonfinite_state_stops_with_one_message_and_keeps_good_data(tmp_path, ranks):
    """Two particles at one position with --softening 0: the force is infinite at once."""
    ic = tmp_path / "ic.h5"
    pos = np.array([[0.0, 0, 0], [1, 0, 0], [1, 0, 0], [0, 1, 0]])
    with h5py.File(ic, "w") as f:
        f["positions"] = pos
        f["velocities"] = np.zeros_like(pos)
        f["masses"] = np.full(4, 0.25)
    ck = tmp_path / "ck.h5"
    r = run(["nbody", "--ic", ic, "--softening", 0, "--steps", 50, "--snapshot-every", 5,
             "--checkpoint", ck, "--checkpoint-every", 10, "-o", tmp_path / "run.h5"],
            ranks=ranks, timeout=DEADLINE)
    line = one_error(r)
    print(line)
    assert "non-finite" in line and "step 1" in line and "--softening 0" in line
    assert not ck.exists(), "no checkpoint holding NaN"
    with h5py.File(tmp_path / "run.h5") as f:
        g = f["nbody"]
        assert g.attrs["completed"] == 0 and "non-finite" in g.attrs["stop_reason"]
        assert np.isfinite(g["positions"][()]).all()
