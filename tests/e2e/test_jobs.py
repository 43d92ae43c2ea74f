"""The job scripts in jobs/, run for real with small problem sizes:
- jobs/slurm/*.sbatch: submitted with `sbatch --wait` to a one-node Slurm started on this machine
  (jobs/ci/slurm-up.sh; needs root, skipped otherwise) — exit status and the HDF5 checked;
- jobs/pbs/*.pbs: no PBS server exists in Debian, so each script runs under bash with the
  environment PBS would give it (PBS_O_WORKDIR, PBS_NODEFILE, PBS_JOBID, OMP_NUM_THREADS);
- jobs/local/*.sh: run directly."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import h5py
import pytest

from rwtest import ENV, RANKWISE, run

JOBS = Path(__file__).resolve().parents[2] / "jobs"
# Small sizes so every script finishes in seconds; each script reads these variables.
SMALL = {"TERMS": "1e8", "SAMPLES": "1e7", "PARTICLES": "256", "STEPS": "20", "GENERATE": "2000",
         "RANKWISE": RANKWISE, "SCALING_RANKS": "1 2", "SCALING_THREADS": "1", "REPEATS": "1"}


def check_outputs(directory, driver):
    files = sorted(p for p in Path(directory).glob(f"rankwise-{driver}-*.h5")
                   if not p.name.endswith(".checkpoint.h5"))     # nbody keeps its checkpoint
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


# --- nbody past the time limit: stop, resubmit, continue (issue #10) --------------------------

NBODY_DATASETS = ("positions", "velocities", "energy", "time")


def nbody_attrs(path):
    with h5py.File(path, "r") as f:
        return dict(f["nbody"].attrs)


def assert_same_nbody(path, reference):
    """The /nbody datasets of `path` equal `reference`'s bit for bit."""
    with h5py.File(path, "r") as a, h5py.File(reference, "r") as b:
        for name in NBODY_DATASETS:
            x, y = a["nbody"][name][()], b["nbody"][name][()]
            assert x.dtype == y.dtype and x.shape == y.shape, (name, x.shape, y.shape)
            assert x.tobytes() == y.tobytes(), f"/nbody/{name} differs from the straight run"


def no_hidden_files(directory):
    hidden = [p.name for p in Path(directory).iterdir() if p.name.startswith(".")]
    assert not hidden, f"temporary files left behind: {hidden}"


def nbody_options(particles, steps, snapshot_every):
    """The options nbody.sbatch / nbody.pbs pass with their default variables."""
    return ["--ic", "plummer", "--particles", particles, "--steps", steps, "--dt", "1e-3",
            "--integrator", "leapfrog", "--softening", "0.01", "--seed", "42",
            "--snapshot-every", snapshot_every, "--threads", "1"]


def jobs_in(directory):
    """Slurm jobs (pending or running) whose working directory is `directory`."""
    out = subprocess.run(["squeue", "-h", "-o", "%i %Z"], capture_output=True, text=True).stdout
    return [l.split()[0] for l in out.splitlines() if l.split()[1:] == [str(directory)]]


def test_slurm_nbody_time_limit_resubmits_and_matches_straight_run(slurm, tmp_path):
    """A one-minute job that needs about 2.5 minutes: the first job is stopped through the
    batch shell's SIGUSR1 trap (as `#SBATCH --signal` would), the next ones by the time limit
    (SLURM_JOB_END_TIME, taken from squeue by the script); each resubmits itself, the last
    completes, and the output equals a straight run's bit for bit."""
    deadline = time.monotonic() + 15 * 60
    # Calibrate: seconds per step of 1 rank x 1 thread (the job's shape) at N = 16384.
    particles = 16384

    def timed(steps):
        t = time.monotonic()
        r = run(["nbody", "--particles", particles, "--steps", steps, "--snapshot-every", steps,
                 "--threads", 1, "--overwrite", "-q", "-o", tmp_path / "calibrate.h5"], ranks=1)
        assert r.returncode == 0, r.stderr
        return time.monotonic() - t

    per_step = (timed(25) - timed(5)) / 20
    for p in tmp_path.glob("calibrate*"):
        p.unlink()
    steps = int(min(max(150 / per_step, 200), 20000))
    snapshot = max(steps // 20, 1)
    # USR1 off for the resubmitted jobs: with a one-minute limit Slurm would send it at once
    # (it may come up to 60 s early); the first job gets one from the test instead.
    env = dict(os.environ, RANKWISE=RANKWISE, PARTICLES=str(particles), STEPS=str(steps),
               SNAPSHOT_EVERY=str(snapshot), SBATCH_SIGNAL="B:USR1@0")
    first = subprocess.run(["sbatch", "--parsable", "--time=1", "--ntasks=1", "--cpus-per-task=1",
                            str(JOBS / "slurm/nbody.sbatch")], env=env, cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout.strip().split(";")[0]
    # The straight run on the other core meanwhile (unbound: the job holds its own core).
    straight_dir = tmp_path / "straight"
    straight_dir.mkdir()
    straight = subprocess.Popen(
        ["mpiexec", "-q", "-n", "1", "--bind-to", "none", RANKWISE, "nbody",
         *map(str, nbody_options(particles, steps, snapshot)), "-q", "-o", "straight.h5"],
        cwd=straight_dir, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def logs():
        return {p.name: p.read_text() for p in sorted(tmp_path.glob("rankwise-nbody-*.log"))}

    def fail(why):
        state = subprocess.run("squeue -l", shell=True, capture_output=True, text=True).stdout
        for job in jobs_in(tmp_path):
            subprocess.run(["scancel", job])
        straight.kill()
        pytest.fail(f"{why}\n{state}\n" + "\n".join(f"== {k}\n{v}" for k, v in logs().items()))

    # SIGUSR1 to the first job's batch shell once rankwise has run for a while.
    while subprocess.run(["squeue", "-h", "-j", first, "-o", "%T"], capture_output=True,
                         text=True).stdout.strip() not in ("RUNNING", "COMPLETING", ""):
        if time.monotonic() > deadline:
            fail(f"job {first} did not start")
        time.sleep(1)
    time.sleep(15)
    subprocess.run(["scancel", "--batch", "--signal=USR1", first], check=True)
    output = tmp_path / f"rankwise-nbody-{first}.h5"
    while jobs_in(tmp_path):
        if time.monotonic() > deadline:
            fail("the resubmitted jobs did not finish within 15 minutes")
        time.sleep(3)
    try:
        out, err = straight.communicate(timeout=max(deadline - time.monotonic(), 10))
    except subprocess.TimeoutExpired:
        fail("the straight run did not finish")
    assert straight.returncode == 0, out + err

    text = logs()
    joined = "\n".join(f"== {k}\n{v}" for k, v in text.items())
    assert len(text) >= 3, joined                     # the USR1 stop, a time-limit stop, the end
    assert "nbody.sbatch: got SIGUSR1" in text[f"rankwise-nbody-{first}.log"], joined
    assert "rankwise: stopped by SIGUSR1 at step" in text[f"rankwise-nbody-{first}.log"], joined
    assert "rankwise: stopped by the time limit (SLURM_JOB_END_TIME) at step" in joined, joined
    assert joined.count("nbody.sbatch: stopped to be continued (exit 75): resubmitted as job") \
        == len(text) - 1, joined
    assert joined.count("continuing from 'rankwise-nbody-") == len(text) - 1, joined
    attrs = nbody_attrs(output)
    assert attrs["completed"] == 1 and attrs["last_step"] == steps, attrs
    assert_same_nbody(output, straight_dir / "straight.h5")
    no_hidden_files(tmp_path)


def test_slurm_nbody_extra_arguments(slurm, tmp_path):
    """`sbatch nbody.sbatch --integrator rk2 --steps 30`: the arguments reach rankwise and
    replace the script's own --integrator and the STEPS variable's --steps."""
    env = dict(os.environ, **SMALL)
    r = sbatch_wait([str(JOBS / "slurm/nbody.sbatch"), "--integrator", "rk2", "--steps", "30"],
                    env, tmp_path, 240)
    logs = "".join(p.read_text() for p in tmp_path.glob("*.log"))
    assert r.returncode == 0, r.stdout + r.stderr + logs
    [output] = check_outputs(tmp_path, "nbody")
    attrs = nbody_attrs(output)
    assert attrs["integrator"] == "rk2" and attrs["steps"] == 30 and attrs["completed"] == 1, attrs


def test_pbs_nbody_walltime_resubmits_with_qsub(tmp_path):
    """jobs/pbs/nbody.pbs under bash with a PBS environment and a fake qsub: PBS_WALLTIME stops
    the first run (exit 75), the script calls `qsub -V -W depend=afterany:<job> ... <script>`;
    running what was submitted, with the environment -V passes, completes the same output."""
    work, bin_dir, spool = tmp_path / "work", tmp_path / "bin", tmp_path / "qsub"
    for d in (work, bin_dir, spool):
        d.mkdir()
    (bin_dir / "qsub").write_text(
        "#!/bin/bash\nprintf '%s\\n' \"$@\" > \"$FAKE_QSUB/args\"\nenv -0 > \"$FAKE_QSUB/env\"\n"
        "echo 4243.pbs-server\n")
    (bin_dir / "qsub").chmod(0o755)
    nodefile = tmp_path / "nodefile"
    nodefile.write_text("localhost\nlocalhost\n")
    script = JOBS / "pbs/nbody.pbs"
    # 18 s of walltime, less 2 x 2 s that mpiexec lingers after a rank's exit 75: rankwise stops
    # about 3.5 s in; the run needs several times that (8000 rk2 steps at N = 2048: 14 s at
    # 4.8 G interactions/s on a quiet AVX-512 machine; 2000 steps finished before the limit).
    env = dict(ENV, PATH=f"{bin_dir}:{os.environ['PATH']}", FAKE_QSUB=str(spool), RANKWISE=RANKWISE,
               PBS_O_WORKDIR=str(work), PBS_NODEFILE=str(nodefile), PBS_JOBID="4242.pbs-server",
               PBS_JOBNAME="rankwise-nbody", PBS_WALLTIME="18", OMP_NUM_THREADS="1",
               OMPI_MCA_odls_base_sigkill_timeout="2", PARTICLES="2048", STEPS="8000",
               SNAPSHOT_EVERY="400", RANKWISE_ARGS="--integrator rk2")
    r = subprocess.run(["bash", str(script)], env=env, cwd="/", capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "rankwise: stopped by the time limit" in r.stderr, r.stderr
    assert "nbody.pbs: stopped to be continued (exit 75): resubmitted as job 4243.pbs-server" \
        in r.stdout, r.stdout
    args = (spool / "args").read_text().splitlines()
    assert args[:3] == ["-V", "-W", "depend=afterany:4242.pbs-server"], args
    assert "walltime=18" in args and args[-1] == str(script), args
    output = work / "rankwise-nbody-4242.h5"
    assert nbody_attrs(output)["completed"] == 0
    # The resubmitted job: PBS starts the submitted script with the exported environment.
    passed = dict(kv.split("=", 1) for kv in (spool / "env").read_text().split("\0") if "=" in kv)
    assert passed["RANKWISE_RESUBMIT"] == "1" and passed["RANKWISE_RUN_ID"] == "4242", passed
    passed.update(PBS_JOBID="4243.pbs-server", PBS_WALLTIME="600")
    (spool / "args").unlink()
    r = subprocess.run(["bash", args[-1]], env=passed, cwd="/", capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "continuing from 'rankwise-nbody-4242.checkpoint.h5'" in r.stdout, r.stdout
    assert not (spool / "args").exists(), "resubmitted after completing"
    attrs = nbody_attrs(output)
    assert attrs["completed"] == 1 and attrs["last_step"] == 8000 and attrs["integrator"] == "rk2"
    no_hidden_files(work)


def test_slurm_nbody_scancel_is_not_resubmitted(slurm, tmp_path):
    """scancel stops the run cleanly (exit 75, checkpoint kept) but does not resubmit it: the
    SIGTERM came before the job's end time."""
    env = dict(os.environ, RANKWISE=RANKWISE, PARTICLES="8192", STEPS="100000")
    job = subprocess.run(["sbatch", "--parsable", "--ntasks=1", str(JOBS / "slurm/nbody.sbatch")],
                         env=env, cwd=tmp_path, capture_output=True, text=True,
                         check=True).stdout.strip().split(";")[0]
    log = tmp_path / f"rankwise-nbody-{job}.log"
    deadline = time.monotonic() + 120
    while "nbody:" not in (log.read_text() if log.exists() else ""):   # rankwise's progress line
        assert time.monotonic() < deadline, "the job did not start"
        time.sleep(1)
    subprocess.run(["scancel", job], check=True)
    while jobs_in(tmp_path):
        if time.monotonic() > deadline:
            for j in jobs_in(tmp_path):
                subprocess.run(["scancel", j])
            pytest.fail("still running after scancel:\n" + log.read_text())
        time.sleep(1)
    text = log.read_text()
    assert "rankwise: stopped by SIGTERM at step" in text, text
    assert "nbody.sbatch: SIGTERM before the time limit (scancel?): not resubmitting" in text, text
    assert [p.name for p in tmp_path.glob("*.log")] == [log.name], "resubmitted after scancel"
    assert nbody_attrs(tmp_path / f"rankwise-nbody-{job}.h5")["completed"] == 0
