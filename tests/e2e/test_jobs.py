"""The job scripts in jobs/, run for real with small problem sizes:
- jobs/slurm/*.sbatch: submitted with `sbatch --wait` to a one-node Slurm started on this machine
  (jobs/ci/slurm-up.sh; needs root, skipped otherwise) — exit status and the HDF5 checked;
- jobs/pbs/*.pbs: no PBS server exists in Debian, so each script runs under bash with the
  environment PBS would give it (PBS_O_WORKDIR, PBS_NODEFILE, PBS_JOBID, OMP_NUM_THREADS);
- jobs/local/*.sh: run directly."""
import os
import shutil
import subprocess
from pathlib import Path

import h5py
import pytest

from rwtest import ENV, RANKWISE

JOBS = Path(__file__).resolve().parents[2] / "jobs"
# Small sizes so every script finishes in seconds; each script reads these variables.
SMALL = {"TERMS": "1e8", "SAMPLES": "1e7", "PARTICLES": "256", "STEPS": "20", "GENERATE": "2000",
         "RANKWISE": RANKWISE, "SCALING_RANKS": "1 2", "SCALING_THREADS": "1", "REPEATS": "1"}


def check_outputs(directory, driver):
    files = sorted(Path(directory).glob(f"rankwise-{driver}-*.h5"))
    assert files, f"no rankwise-{driver}-*.h5 in {directory}: {os.listdir(directory)}"
    for path in files:
        with h5py.File(path, "r") as f:
            assert driver in f, list(f)
            assert f.attrs["mpi_ranks"] >= 1
            assert "timings/seconds" in f
    assert not list(Path(directory).glob(".*.tmp-*")), "temporary output left behind"
    return files


def check_scaling(directory):
    """A scaling study's directory: runs.tsv lists every run, each run's HDF5 is complete and was
    run with the ranks x threads the manifest says; strong and weak for every driver."""
    manifests = list(Path(directory).glob("rankwise-scaling-*/runs.tsv"))
    assert len(manifests) == 1, os.listdir(directory)
    lines = manifests[0].read_text().splitlines()
    header, rows = lines[0].split("\t"), [dict(zip(lines[0].split("\t"), l.split("\t"))) for l in lines[1:]]
    assert header[:4] == ["driver", "study", "ranks", "threads"], header
    studies = {(r["driver"], r["study"]) for r in rows}
    for driver in ("pi", "nbody", "polygons"):
        assert {(driver, "strong"), (driver, "weak")} <= studies, studies
    for r in rows:
        with h5py.File(manifests[0].parent / r["file"], "r") as f:
            assert r["driver"] in f and "timings/seconds" in f
            assert f.attrs["mpi_ranks"] == int(r["ranks"]), (r, f.attrs["mpi_ranks"])
            assert f["timings/seconds"].shape[0] == int(r["ranks"])
    assert {int(r["ranks"]) for r in rows} == {1, 2}, rows
    return rows


def scripts(kind, pattern):
    return sorted((JOBS / kind).glob(pattern)) if (JOBS / kind).exists() else []


def driver_of(script):
    return script.stem.split(".")[0].replace("scaling-", "")


@pytest.fixture(scope="module")
def slurm():
    if os.geteuid() != 0 or shutil.which("sbatch") is None and not Path("/usr/bin/apt-get").exists():
        pytest.skip("Slurm test needs root (to start munged/slurmctld/slurmd) and Debian's slurm-wlm")
    r = subprocess.run(["bash", str(JOBS / "ci/slurm-up.sh")], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        pytest.fail("could not start the one-node Slurm:\n" + r.stdout + r.stderr)
    # A 2-task probe job must run within a minute: a node that cannot take the scripts' 2 tasks
    # (wrong CPU count, drained) fails here with Slurm's view instead of hanging in sbatch --wait.
    sbatch_wait(["-n", "2", "--wrap", "true"], os.environ, "/tmp", 60)
    return True


def sbatch_wait(args, env, cwd, seconds):
    """sbatch --wait with a deadline: on timeout the job is cancelled and the test fails with the
    queue and node state, instead of ctest's timeout killing a silent wait."""
    r = subprocess.Popen(["sbatch", "--wait", "--parsable", *args], env=env, cwd=cwd,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = r.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        r.kill()
        out, err = r.communicate()
        state = subprocess.run("squeue -l; scontrol show node localhost", shell=True,
                               capture_output=True, text=True).stdout
        job = out.strip().split(";")[0]
        if job:
            subprocess.run(["scancel", job])
        pytest.fail(f"sbatch {' '.join(args)}: job {job or '?'} not done after {seconds} s\n{state}")
    return subprocess.CompletedProcess(r.args, r.returncode, out, err)


@pytest.mark.parametrize("script", scripts("slurm", "*.sbatch"), ids=lambda p: p.name)
def test_slurm_script(slurm, script, tmp_path):
    env = dict(os.environ, **SMALL)
    # Submitted from tmp_path: the scripts write into the submit directory.
    # 240 s each keeps the four scripts inside ctest's 1200 s for this file (they take ~10 s).
    r = sbatch_wait([str(script)], env, tmp_path, 240)
    logs = "".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert r.returncode == 0, r.stdout + r.stderr + logs
    if "scaling" in script.name:
        assert list(tmp_path.rglob("*.h5")), logs
        check_scaling(tmp_path)
    else:
        check_outputs(tmp_path, driver_of(script))


@pytest.mark.parametrize("script", scripts("pbs", "*.pbs"), ids=lambda p: p.name)
def test_pbs_script_with_pbs_environment(script, tmp_path):
    nodefile = tmp_path / "nodefile"
    nodefile.write_text("localhost\nlocalhost\n")
    env = dict(ENV, **SMALL, PBS_O_WORKDIR=str(tmp_path), PBS_NODEFILE=str(nodefile),
               PBS_JOBID="4242.pbs-server", PBS_JOBNAME=script.stem, OMP_NUM_THREADS="1")
    r = subprocess.run(["bash", str(script)], env=env, cwd="/", capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    if "scaling" in script.name:
        check_scaling(tmp_path)
    else:
        check_outputs(tmp_path, driver_of(script))


@pytest.mark.parametrize("script", scripts("local", "*.sh"), ids=lambda p: p.name)
def test_local_script(script, tmp_path):
    env = dict(ENV, **SMALL, RANKS="2", THREADS="1")
    r = subprocess.run(["bash", str(script)], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout + r.stderr
    if "scaling" in script.name:
        check_scaling(tmp_path)
    else:
        check_outputs(tmp_path, driver_of(script))
