"""Every example in every subcommand's `--help` runs as written and exits 0.

Each example runs in an empty directory holding only the input files it names: a Kepler
two-body file (kepler.h5), a checkpoint made by the help's own checkpoint example (ck.h5), a
projected shapefile (parcels_utm.shp), the real plate polygons and Natural Earth countries
(plates.shp, countries.shp/.gpkg; those examples skip when the data is absent). Only sizes are
changed, and only those listed in SIZES: every entry must match an example (so a stale one
fails) and changes one option's value, nothing else."""
import math
import shlex
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from rwtest import run, shared_data

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


def inputs(words):
    """Files the command reads: the polygons input, --ic FILE, --restart FILE."""
    out = []
    sub = words[0]
    for i, w in enumerate(words):
        if w in ("--ic", "--restart") and words[i + 1] not in ("plummer", "uniform", "auto"):
            out.append(words[i + 1])
    if sub == "polygons" and len(words) > 1 and not words[1].startswith("-"):
        out.append(words[1])
    return out


@pytest.mark.parametrize("sub", ["pi", "nbody", "polygons"])
def test_every_help_example_runs(tmp_path, sub):
    used, skipped = set(), []
    for k, example in enumerate(examples(sub)):
        words = shlex.split(sized(sub, example, used))
        ranks = 1
        if words[0] == "mpiexec":
            assert words[1] == "-n", example
            ranks = int(words[2])
        words = words[words.index("rankwise") + 1:]
        directory = tmp_path / f"example{k}"
        directory.mkdir()
        missing = [why for name in inputs(words) if (why := provide(name, directory, sub, used))]
        if missing:
            skipped.append(f"{example}: {missing[0]}")
            continue
        r = run(words, ranks=ranks, cwd=directory, timeout=600)
        assert r.returncode == 0, (example, r.stdout[-2000:], r.stderr[-2000:])
    stale = [(s, w) for s, w, _ in SIZES if s == sub and (s, w) not in used]
    assert not stale, f"SIZES entries that match no example: {stale}"
    if skipped:
        pytest.skip("; ".join(skipped))
