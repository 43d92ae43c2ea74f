"""tools/rankwise-report on small real outputs: a scaling study (jobs/scaling/study.sh at 1 and 2
ranks), a pi sweep, an N-body run and a polygons run (Natural Earth when ../shared/data exists,
otherwise a synthetic set written as a shapefile). Checks that each expected PNG exists, is a
real PNG of a sensible size with more than a few colours, and that report.md links them all."""
import os
import subprocess
import sys
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
    for name in ("pi-error-sweep", "nbody-nb", "polygons-poly", "phases-sweep", "phases-nb", "phases-poly"):
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
