"""tools/rankwise-report on small real outputs: a scaling study (jobs/scaling/study.sh at 1 and 2
ranks), a pi sweep, an N-body run and a polygons run (Natural Earth when ../shared/data exists,
otherwise a synthetic set written as a shapefile). Checks that each expected PNG exists, is a
real PNG of a sensible size with more than a few colours, and that report.md links them all;
then each option: --format pdf/svg, --dpi, --csv, --animate, the pi error reference line, and the
one-line message when h5py, numpy or matplotlib cannot be imported."""
import csv
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from rwtest import ENV, RANKWISE, run, shared_data

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "tools" / "rankwise-report"


def png_ok(path):
    import matplotlib.image as mpimg
    assert path.exists(), path
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
    assert 5_000 < path.stat().st_size < 1_000_000, (path, path.stat().st_size)
    img = mpimg.imread(path)
    assert img.shape[0] >= 150 and img.shape[1] >= 300, img.shape
    colours = np.unique((img[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 8, (path, len(colours))  # not a blank canvas


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    env = dict(ENV, RANKWISE=RANKWISE, TERMS="1e7", PARTICLES="128", STEPS="5", GENERATE="500",
               REPEATS="2", SCALING_RANKS="1 2", SCALING_THREADS="1", OUTDIR=str(d / "study"))
    r = subprocess.run(["bash", str(ROOT / "jobs/scaling/study.sh")], env=env, cwd=d,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    assert run(["pi", "--sweep", "--terms", "1e8", "-q", "-o", d / "sweep.h5"], ranks=2).returncode == 0
    assert run(["nbody", "--particles", "300", "--steps", "40", "--snapshot-every", "5", "-q",
                "-o", d / "nb.h5"], ranks=2).returncode == 0
    shp = shared_data("naturalearth_lowres", "naturalearth_lowres.shp")
    if shp is None:
        shp = d / "synth.shp"
        assert run(["polygons", "--generate", "200", "--write-shapefile", shp, "-q",
                    "-o", d / "gen.h5"]).returncode == 0
    assert run(["polygons", shp, "-q", "-o", d / "poly.h5"], ranks=2).returncode == 0
    return d


def test_report_makes_every_plot(outputs, tmp_path):
    out = tmp_path / "report"
    r = subprocess.run([sys.executable, str(REPORT), str(outputs / "study"), str(outputs / "sweep.h5"),
                        str(outputs / "nb.h5"), str(outputs / "poly.h5"), "-o", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    for driver in ("pi", "nbody", "polygons"):
        for study in ("strong", "weak"):
            png_ok(out / f"scaling-{driver}-{study}.png")
            png_ok(out / f"phases-{driver}-{study}.png")
    for name in ("pi-error-sweep", "nbody-nb", "nbody-structure-nb", "polygons-poly", "phases-sweep",
                 "phases-nb", "phases-poly"):
        png_ok(out / f"{name}.png")
    md = (out / "report.md").read_text()
    for png in out.glob("*.png"):
        assert f"]({png.name})" in md, png.name
    # the tables: speedup/efficiency columns with one row per ranks x threads of each study
    assert md.count("| 1 | 1 | 1 |") >= 6 and md.count("| 2 | 1 | 2 |") >= 6, md
    assert "efficiency" in md and "imbalance" in md


def test_report_rejects_nothing_to_do(tmp_path):
    r = subprocess.run([sys.executable, str(REPORT), str(tmp_path), "-o", str(tmp_path / "r")],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode != 0 and "no rankwise outputs" in r.stderr


def report(args, timeout=600, **kw):
    """Run the tool with this interpreter (the one that has h5py, numpy and matplotlib)."""
    return subprocess.run([sys.executable, str(REPORT)] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=timeout, **kw)


def load_tool():
    """The script as a module, for its helper functions."""
    loader = importlib.machinery.SourceFileLoader("rankwise_report", str(REPORT))
    spec = importlib.util.spec_from_loader("rankwise_report", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_pi_reference_line_is_the_midpoint_rule(outputs):
    """The drawn line is 1/(12 N^2), and a real sweep sits on it (error above rounding)."""
    import h5py
    tool = load_tool()
    assert tool.midpoint_error(10) == pytest.approx(1 / 1200, rel=1e-15)
    with h5py.File(outputs / "sweep.h5", "r") as f:
        n = f["pi/history/terms"][:].astype(float)
        err = f["pi/history/abs_error"][:]
    well_above_rounding = err > 1e-12
    assert well_above_rounding.sum() >= 4, err
    ratio = err[well_above_rounding] / tool.midpoint_error(n[well_above_rounding])
    assert np.all(np.abs(ratio - 1) < 0.1), ratio


@pytest.mark.parametrize("fmt", ["png", "pdf", "svg"])
def test_report_formats(outputs, tmp_path, fmt):
    out = tmp_path / "report"
    r = report([outputs / "study" / "pi-strong", outputs / "sweep.h5", outputs / "nb.h5",
                outputs / "poly.h5", "-o", out, "--format", fmt])
    assert r.returncode == 0, r.stdout + r.stderr
    names = ["scaling-pi-strong", "phases-pi-strong", "pi-error-sweep", "nbody-nb",
             "nbody-structure-nb", "polygons-poly", "phases-sweep", "phases-nb", "phases-poly"]
    md = (out / "report.md").read_text()
    for name in names:
        path = out / f"{name}.{fmt}"
        data = path.read_bytes()
        if fmt == "png":
            png_ok(path)
        elif fmt == "pdf":
            assert data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:], path
        else:
            root = ET.fromstring(data)
            assert root.tag == "{http://www.w3.org/2000/svg}svg", (path, root.tag)
        assert f"]({name}.{fmt})" in md, (name, md)
    other = {"png", "pdf", "svg"} - {fmt}
    assert not [p.name for p in out.iterdir() if p.suffix[1:] in other]


def test_dpi_sets_png_pixels(outputs, tmp_path):
    """Figures have a fixed size in inches (3.5 in for single plots): --dpi scales the pixels."""
    import matplotlib.image as mpimg
    widths = {}
    for dpi in (None, 100, 300):
        out = tmp_path / f"dpi-{dpi}"
        r = report([outputs / "sweep.h5", "-o", out] + (["--dpi", dpi] if dpi else []))
        assert r.returncode == 0, r.stdout + r.stderr
        img = mpimg.imread(out / "pi-error-sweep.png")
        widths[dpi] = img.shape[1]
    assert widths == {None: 700, 100: 350, 300: 1050}, widths
    r = report([outputs / "sweep.h5", "-o", tmp_path / "bad", "--dpi", "0"])
    assert r.returncode == 2 and "--dpi" in r.stderr


def test_csv_polygon_table(outputs, tmp_path):
    """--csv: one row per polygon of the file; km² = m²/1e6 exactly as written; NaN areas are
    empty cells in both columns."""
    import h5py
    import shutil
    h5 = tmp_path / "poly-nan.h5"
    shutil.copy(outputs / "poly.h5", h5)
    with h5py.File(h5, "r+") as f:
        g = f["polygons"]
        area = g["area_m2"][:]
        area[1] = np.nan
        g["area_m2"][...] = area
        names = [v.decode() for v in g["name"][:]] if "name" in g else None
        perimeter = g["perimeter_m"][:]
        vertices = g["vertices"][:]
    out = tmp_path / "report"
    r = report([h5, "-o", out, "--csv"])
    assert r.returncode == 0, r.stdout + r.stderr
    table = out / "polygons-poly-nan.csv"
    assert f"]({table.name})" in (out / "report.md").read_text()
    with open(table, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(area)
    for column in ("record", "name", "area_m2", "area_km2", "perimeter_m", "perimeter_km", "vertices"):
        assert column in rows[0], rows[0].keys()
    assert rows[1]["area_m2"] == "" and rows[1]["area_km2"] == ""
    for k, row in enumerate(rows):
        assert int(row["record"]) == k
        assert int(row["vertices"]) == vertices[k]
        assert float(row["perimeter_m"]) == perimeter[k]
        if names is not None:
            assert row["name"] == names[k]
        if k != 1:
            assert float(row["area_m2"]) == area[k]
            assert float(row["area_km2"]) == pytest.approx(float(row["area_m2"]) / 1e6, rel=1e-14)
        assert "nan" not in ",".join(row.values()).lower().split(",")


def test_animation_has_every_frame(outputs, tmp_path):
    import h5py
    from PIL import Image
    out = tmp_path / "report"
    r = report([outputs / "nb.h5", "-o", out, "--animate", "--size", "240", "--fps", "5"])
    assert r.returncode == 0, r.stdout + r.stderr
    with h5py.File(outputs / "nb.h5", "r") as f:
        frames = f["nbody/positions"].shape[0]
    assert frames > 5
    with Image.open(out / "nbody-nb.gif") as gif:
        assert gif.n_frames == frames
        assert gif.size == (240, 240)
        assert gif.info.get("duration") == 200  # ms per frame at 5 frames per second
    assert "](nbody-nb.gif)" in (out / "report.md").read_text()


MISSING = ("rankwise-report: needs h5py, numpy and matplotlib (Debian: apt-get install python3-h5py "
           "python3-matplotlib); python3 is ")


@pytest.mark.parametrize("module", ["h5py", "numpy", "matplotlib"])
def test_missing_module_message(outputs, tmp_path, module):
    """A module that cannot be imported: one line naming what is needed and the interpreter, exit 1."""
    (tmp_path / f"{module}.py").write_text(f'raise ImportError("no module named {module} (test)")\n')
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    r = report([outputs / "sweep.h5", "-o", tmp_path / "r"], env=env, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.splitlines() == [MISSING + sys.executable], r.stderr
    assert not (tmp_path / "r").exists()


def test_missing_modules_without_site_packages(outputs, tmp_path):
    """The same with an interpreter that sees no site packages at all (python3 -I -S)."""
    probe = subprocess.run([sys.executable, "-I", "-S", "-c", "import numpy"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("numpy is importable without site packages here")
    r = subprocess.run([sys.executable, "-I", "-S", str(REPORT), str(outputs / "sweep.h5"), "-o",
                        str(tmp_path / "r")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    assert r.stderr.splitlines() == [MISSING + sys.executable], r.stderr


def test_hermite_run_is_described_by_time_and_work(tmp_path):
    assert run(["nbody", "--integrator", "hermite", "--particles", "128", "--t-end", "0.5",
                "--snapshot-dt", "0.125", "-q", "-o", tmp_path / "h.h5"]).returncode == 0
    out = tmp_path / "report"
    r = subprocess.run([sys.executable, str(REPORT), str(tmp_path / "h.h5"), "-o", str(out)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    png_ok(out / "nbody-h.png")
    png_ok(out / "nbody-structure-h.png")
    md = (out / "report.md").read_text()
    assert "128 particles, hermite to t = 0.5 (η 0.02, " in md and " block steps): relative energy error" in md, md
