"""Who reads a shapefile on several ranks (--read-by): every rank its own records (default), or
rank 0 for all (--read-by root, and the fallback when a rank cannot open the file). Results are
bitwise the same either way and on any rank count; a bad record in any rank's share stops every
rank with one message and no output."""
import struct
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import ENV, RANKWISE, assert_clean_failure, run

KEYS = ("record", "area_m2", "area_planar", "perimeter_m", "vertices", "parts", "name", "fid")


@pytest.fixture(scope="module")
def shapefile(tmp_path_factory):
    """A 500-polygon shapefile (with holes in the frames) written by rankwise itself."""
    tmp = tmp_path_factory.mktemp("reading")
    shp = tmp / "set.shp"
    r = run(["polygons", "--generate", 500, "--seed", 11, "--vertices", 40, "--write-shapefile",
             shp, "-o", tmp / "gen.h5", "--quiet"])
    assert r.returncode == 0, r.stderr
    return shp


def read(path):
    with h5py.File(path) as f:
        g = f["polygons"]
        out = {k: g[k][:] for k in KEYS + ("rank",)}
        out["attrs"] = dict(g.attrs)
        out["timings"] = f["timings/seconds"][:]
    return out


def same(a, b):
    for k in KEYS:
        assert np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f"), k
    assert a["attrs"]["total_area_m2"] == b["attrs"]["total_area_m2"]


def test_every_rank_reads_its_share_bitwise_equal(shapefile, tmp_path):
    ref = None
    for ranks in (1, 2, 3, 4):
        for how in ("ranks", "root"):
            out = tmp_path / f"{how}{ranks}.h5"
            r = run(["polygons", shapefile, "--read-by", how, "-o", out,
                     "--quiet"], ranks=ranks, timeout=120)
            assert r.returncode == 0, r.stderr
            assert r.stderr == "", r.stderr
            res = read(out)
            assert set(res["rank"]) <= set(range(ranks))
            assert res["attrs"]["read_by"] == ("ranks" if ranks == 1 else how)
            assert res["timings"].shape[0] == ranks
            if ref is None:
                ref = res
            same(res, ref)
    with h5py.File(tmp_path / "ranks4.h5") as f:
        assert set(f["polygons/rank"][:]) == {0, 1, 2, 3}  # every rank measured a share


def test_rank_without_the_file_falls_back_to_root(shapefile, tmp_path):
    """Rank 1 runs in a directory without the (relatively named) file, as on a node that does
    not see rank 0's disk: one warning, rank 0 reads for it, the same results."""
    here, elsewhere = tmp_path / "here", tmp_path / "elsewhere"
    here.mkdir()
    elsewhere.mkdir()
    for part in shapefile.parent.glob("set.*"):
        (here / part.name).symlink_to(part)
    out = tmp_path / "fb.h5"
    args = [RANKWISE, "polygons", "set.shp", "-o", out, "--quiet"]
    cmd = ["mpiexec", "-q", "-n", "1", "--wdir", here, *args, ":", "-n", "1", "--wdir", elsewhere,
           *args]
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=120, env=ENV)
    assert r.returncode == 0, r.stderr
    warnings = [l for l in r.stderr.splitlines() if l.startswith("rankwise: warning")]
    assert len(warnings) == 1 and "rank 1 cannot read the input itself" in warnings[0], r.stderr
    assert "no such file" in warnings[0]
    res = read(out)
    assert res["attrs"]["read_by"] == "root"
    assert set(res["rank"]) == {0, 1}
    ref = tmp_path / "ref.h5"
    assert run(["polygons", shapefile, "-o", ref, "--quiet"]).returncode == 0
    same(res, read(ref))


def last_record_offset(shp):
    shx = shp.with_suffix(".shx").read_bytes()
    return 2 * struct.unpack(">i", shx[-8:-4])[0]


@pytest.mark.parametrize("how", ["ranks", "root"])
@pytest.mark.parametrize("damage", ["part_index", "coordinate"])
def test_bad_record_in_the_last_ranks_share(shapefile, tmp_path, how, damage):
    """The last record (rank 2's share at 3 ranks) is damaged: every rank stops with the
    message of the rank that read it, exit 1, nothing written."""
    bad = tmp_path / "bad.shp"
    for part in shapefile.parent.glob("set.*"):
        (tmp_path / ("bad" + part.suffix)).write_bytes(part.read_bytes())
    data = bytearray(bad.read_bytes())
    at = last_record_offset(bad) + 8  # the record's content
    if damage == "part_index":
        data[at + 44:at + 48] = struct.pack("<i", 10**6)  # parts[0] beyond numPoints
    else:
        parts = struct.unpack("<i", data[at + 36:at + 40])[0]
        data[at + 44 + 4 * parts:at + 52 + 4 * parts] = struct.pack("<d", float("nan"))
    bad.write_bytes(bytes(data))
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run(["polygons", bad, "--read-by", how, "-o", outdir / "o.h5"], ranks=3, timeout=120)
    line = assert_clean_failure(r, directory=outdir, expect_code=1)
    assert "record 499" in line and "bad.shp" in line, line


def test_read_by_is_checked(tmp_path):
    r = run(["polygons", "--generate", 10, "--read-by", "everyone", "-o", tmp_path / "o.h5"])
    assert_clean_failure(r, tmp_path, expect_code=2)
