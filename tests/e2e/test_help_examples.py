"""Every example in every subcommand's `--help`, and the README's Running commands, run as
written and exit 0.

Each example runs in an empty directory holding only the input files it names: a Kepler
two-body file (kepler.h5), a checkpoint made by the help's own checkpoint example (ck.h5), a
projected shapefile (parcels_utm.shp), the real plate polygons and Natural Earth countries
(plates.shp, countries.shp/.gpkg; those examples skip when the data is absent). Only sizes are
changed, and only those listed in SIZES: every entry must match an example (so a stale one
fails) and changes one option's value, nothing else."""
import math
import os
import shlex
import shutil
import subprocess
import warnings
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import ENV, RANKWISE, run, shared_data

# (subcommand, text in --help, text used here): sizes that would take minutes.
SIZES = [
    ("pi", "--terms 1e11", "--terms 1e8"),
    ("nbody", "--particles 4096 --steps 1000", "--particles 4096 --steps 10"),
    ("nbody", "--particles 8192", "--particles 512"),
    ("nbody", "--steps 100000", "--steps 20"),
    ("polygons", "--generate 1e5", "--generate 1e4"),
    ("polygons", "--generate 156250", "--generate 5000"),
]


def test_sizes_change_one_value_each():
    for _, written, used in SIZES:
        a, b = written.split(), used.split()
        changed = [i for i in range(len(a)) if a[i] != b[i]]
        assert len(a) == len(b) and len(changed) == 1, (written, used)
        assert not a[changed[0]].startswith("-") and a[changed[0] - 1].startswith("--")


def examples(sub):
    """The example command lines of `rankwise SUB --help` (comments dropped)."""
    r = run([sub, "--help"], timeout=60)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    start = lines.index("Examples:") + 1
    out = []
    for line in lines[start:]:
        if not line.startswith("  "):
            break
        out.append(line.split("#")[0].strip())
    assert out, r.stdout
    return out


def sized(sub, example, used):
    for s, written, replacement in SIZES:
        if s == sub and written in example:
            example = example.replace(written, replacement)
            used.add((s, written))
    return example


def kepler(path):
    """A star of mass 1 and a planet of mass 1e-3 on a circular orbit of radius 1 (G = 1)."""
    m = np.array([1.0, 1e-3])
    v = math.sqrt(m.sum())  # relative speed of a circular orbit
    pos = np.array([[-m[1] / m.sum(), 0, 0], [m[0] / m.sum(), 0, 0]])
    vel = np.array([[0, -v * m[1] / m.sum(), 0], [0, v * m[0] / m.sum(), 0]])
    with h5py.File(path, "w") as f:
        f["positions"], f["velocities"], f["masses"] = pos, vel, m


def link_shapefile(source, target):
    for ext in (".shp", ".shx", ".dbf", ".prj", ".cpg"):
        if source.with_suffix(ext).exists():
            (target.with_suffix(ext)).symlink_to(source.with_suffix(ext))


def provide(name, directory, sub, used):
    """Make the input file `name` in `directory`, or return why it cannot be made here."""
    target = directory / name
    if name == "kepler.h5":
        kepler(target)
    elif name == "ck.h5":
        maker = next(e for e in examples("nbody") if "--checkpoint ck.h5 --checkpoint-every" in e)
        words = shlex.split(sized("nbody", maker, used))
        r = run(words[words.index("rankwise") + 1:] + ["-q"], cwd=directory, timeout=300)
        assert r.returncode == 0, r.stderr
        for extra in directory.iterdir():
            if extra.name != "ck.h5":
                extra.unlink()
    elif name == "stars.csv":
        target.write_text("x,y,z,vx,vy,vz,m\n" + "".join(
            f"{math.cos(k)},{math.sin(k)},{0.1 * k},0,0,0,0.1\n" for k in range(10)))
    elif name.startswith("king.h5:"):  # a frame of an earlier output
        r = run(["nbody", "--ic", "king", "--particles", 64, "--steps", 10, "-q", "-o", "king.h5"],
                cwd=directory, timeout=300)
        assert r.returncode == 0, r.stderr
        (directory / "king.xdmf").unlink()
    elif name == "parcels_utm.shp":
        r = run(["polygons", "--generate", "20", "--crs", "projected", "--vertices", "16",
                 "--write-shapefile", target, "-q", "-o", directory / "gen.h5"], timeout=60)
        assert r.returncode == 0, r.stderr
        (directory / "gen.h5").unlink()
    elif name == "plates.shp":
        plates = shared_data("muller2019_static_plate_polygons",
                             "Global_EarthByte_GPlates_PresentDay_StaticPlatePolygons_2019_v1.shp")
        if plates is None:
            return "the plate polygons are not in the shared data folder"
        link_shapefile(plates, target)
    elif name in ("countries.shp", "countries.gpkg"):
        countries = shared_data("naturalearth_lowres", "naturalearth_lowres.shp")
        if countries is None:
            return "Natural Earth is not in the shared data folder"
        if name.endswith(".shp"):
            link_shapefile(countries, target)
        elif shutil.which("ogr2ogr") is None:
            return "ogr2ogr (GDAL) is not installed"
        else:
            subprocess.run(["ogr2ogr", "-f", "GPKG", "-nln", "countries", str(target), str(countries)],
                           check=True, capture_output=True, timeout=120)
    else:
        raise AssertionError(f"the test does not know how to make the input {name}")
    return None


def report_skipped(skipped, total):
    """Skip the test if nothing ran; otherwise the others passed: say which did not run."""
    if len(skipped) == total:
        pytest.skip("; ".join(skipped))
    for why in skipped:
        warnings.warn(f"not run here: {why}")


def inputs(words):
    """Files the command reads: the polygons input, --ic FILE, --restart FILE."""
    out = []
    sub = words[0]
    for i, w in enumerate(words):
        if w in ("--ic", "--restart") and words[i + 1] not in ("plummer", "uniform", "king", "auto"):
            out.append(words[i + 1])
    if sub == "polygons" and len(words) > 1 and not words[1].startswith("-"):
        out.append(words[1])
    return out


@pytest.mark.parametrize("sub", ["pi", "nbody", "polygons"])
def test_every_help_example_runs(tmp_path, sub):
    used, skipped = set(), []
    for k, example in enumerate(examples(sub)):
        words = shlex.split(sized(sub, example, used))
        ranks, launcher = 1, []
        if words[0] == "mpiexec":
            launcher = words[1:words.index("rankwise")]
            ranks = int(launcher[launcher.index("-n") + 1])
            per_rank = next((int(w.split("PE=")[1]) for w in launcher if "PE=" in w), 1)
            if ranks * per_rank > len(os.sched_getaffinity(0)) and per_rank > 1:
                skipped.append(f"{example}: needs {ranks * per_rank} cores")
                continue
        words = words[words.index("rankwise") + 1:]
        directory = tmp_path / f"example{k}"
        directory.mkdir()
        missing = [why for name in inputs(words) if (why := provide(name, directory, sub, used))]
        if missing:
            skipped.append(f"{example}: {missing[0]}")
            continue
        if any("PE=" in w for w in launcher):  # as written: the binding decides the cores
            r = subprocess.run(["mpiexec", "-q", *launcher, RANKWISE, *words], capture_output=True,
                               text=True, timeout=600, cwd=directory, env=ENV)
        else:
            r = run(words, ranks=ranks, cwd=directory, timeout=600)
        assert r.returncode == 0, (example, r.stdout[-2000:], r.stderr[-2000:])
    stale = [(s, w) for s, w, _ in SIZES if s == sub and (s, w) not in used]
    assert not stale, f"SIZES entries that match no example: {stale}"
    report_skipped(skipped, len(examples(sub)))


# --- the README's "Running" commands ------------------------------------------------------------
README = Path(__file__).resolve().parents[2] / "README.md"
README_SIZES = [("--terms 1e11", "--terms 1e8"), ("--samples 1e10", "--samples 1e7"),
                ("--terms 1e10", "--terms 1e8")]


def readme_commands():
    text = README.read_text()
    block = text[text.index("## Running"):]
    block = block[block.index("```sh\n") + 6:]
    block = block[:block.index("```")]
    return [l.split("#")[0].strip() for l in block.splitlines() if l.strip()]


def test_readme_running_commands(tmp_path):
    """Each command of the README's Running block, as written but for the sizes in README_SIZES,
    with rankwise taken from the build and run.toml holding what its comment says. A command
    whose placement needs more cores than this machine has (4 ranks x PE=2) is skipped."""
    used, skipped = set(), []
    cores = len(os.sched_getaffinity(0))
    for k, command in enumerate(readme_commands()):
        for written, replacement in README_SIZES:
            if written in command:
                command = command.replace(written, replacement)
                used.add(written)
        words = shlex.split(command)
        env = dict(ENV)
        while "=" in words[0]:
            name, value = words.pop(0).split("=", 1)
            env[name] = value
        ranks, per_rank = 1, 1
        if words[0] == "mpiexec":
            ranks = int(words[words.index("-n") + 1])
            per_rank = next((int(w.split("PE=")[1]) for w in words if "PE=" in w), 1)
        if ranks * per_rank > cores and per_rank > 1:
            skipped.append(f"{command}: needs {ranks * per_rank} cores, {cores} here")
            continue
        words = [RANKWISE if w == "rankwise" else w for w in words]
        if words[0] == "mpiexec":
            words.insert(1, "-q")
        else:
            words = ["mpiexec", "-q", "-n", "1"] + words
        directory = tmp_path / f"readme{k}"
        directory.mkdir()
        (directory / "run.toml").write_text('[pi]\nterms = "1e9"\n')
        r = subprocess.run(words, capture_output=True, text=True, timeout=600, cwd=directory, env=env)
        assert r.returncode == 0, (command, r.stdout[-2000:], r.stderr[-2000:])
        assert "warning" not in r.stderr, (command, r.stderr)  # e.g. threads without cores
    assert used == {w for w, _ in README_SIZES}, used
    report_skipped(skipped, len(readme_commands()))
