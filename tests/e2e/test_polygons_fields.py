"""`rankwise polygons --fields/--group-by/--csv/--format csv` (docs/polygons.md, "Attributes and
tables"): attribute columns stored typed as the file types them (numbers as numbers, text as
UTF-8 from the file's encoding, missing values as NaN or ""), the per-polygon CSV table, totals
per value of a field; the same from a shapefile and from a GeoPackage, on 1 and 2 ranks."""
import csv
import math
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
import shapefile  # pyshp (Debian python3-pyshp): an independent writer and reader of .dbf

from rwtest import assert_clean_failure, run, shared_data

GEO_WKT = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
           'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')


def square(lon, lat, w):
    return [(lon, lat), (lon, lat + w), (lon + w, lat + w), (lon + w, lat), (lon, lat)]  # clockwise


ROWS = [  # NAME, PLATE (int), AGE (2 decimals), CODE (text), SINCE (date), OK (logical)
    ("Côte", 101, 12.5, "a,b", "20200131", True),
    ("São", 101, None, 'say "hi"', None, False),
    ("Zürich", None, 3.25, "", "19991231", None),
    ("plain", 202, -7.0, "x", "20000101", True),
]


def write(tmp_path):
    base = tmp_path / "attrs"
    with shapefile.Writer(str(base), shapeType=shapefile.POLYGON, encoding="latin-1") as w:
        w.field("NAME", "C", size=20)
        w.field("PLATE", "N", size=6, decimal=0)
        w.field("AGE", "N", size=10, decimal=2)
        w.field("CODE", "C", size=10)
        w.field("SINCE", "D")
        w.field("OK", "L")
        for i, row in enumerate(ROWS):
            w.poly([square(10 * i, 10, 1 + i)])
            w.record(*row)
    Path(str(base) + ".prj").write_text(GEO_WKT)
    Path(str(base) + ".cpg").write_text("ISO-8859-1")
    return Path(str(base) + ".shp")


def read(path):
    with h5py.File(path, "r") as f:
        g = f["polygons"]
        out = {"area_m2": g["area_m2"][...], "fid": g["fid"][...],
               "fields": {k: g["fields"][k][...] for k in g["fields"]} if "fields" in g else {}}
        if "groups" in g:
            out["groups"] = {k: g["groups"][k][...] for k in g["groups"]}
            out["group_field"] = g["groups"].attrs["field"]
        return out


def text(v):
    return v.decode("utf-8") if isinstance(v, bytes) else v


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("fields")
    shp = write(d)
    gpkg = d / "attrs.gpkg"
    r = subprocess.run(["ogr2ogr", "-f", "GPKG", str(gpkg), str(shp)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return {"shp": shp, "gpkg": gpkg}


@pytest.mark.parametrize("fmt", ["shp", "gpkg"])
@pytest.mark.parametrize("ranks", [1, 2])
def test_fields_are_typed_and_complete(files, tmp_path, fmt, ranks):
    r = run(["polygons", files[fmt], "--fields", "plate,Age,code,since,ok", "-o", tmp_path / "o.h5"],
            ranks=ranks)
    assert r.returncode == 0, r.stderr
    f = read(tmp_path / "o.h5")["fields"]
    assert sorted(f) == ["AGE", "CODE", "OK", "PLATE", "SINCE"]  # the file's spelling
    # an integer column with a missing value is stored as reals, NaN where missing
    assert f["PLATE"].dtype == np.float64
    assert list(f["PLATE"][[0, 1, 3]]) == [101, 101, 202] and math.isnan(f["PLATE"][2])
    assert f["AGE"].dtype == np.float64
    assert list(f["AGE"][[0, 2, 3]]) == [12.5, 3.25, -7.0] and math.isnan(f["AGE"][1])
    assert [text(v) for v in f["CODE"]] == ["a,b", 'say "hi"', "", "x"]
    since = [text(v) for v in f["SINCE"]]
    assert since[0] == "2020-01-31" and since[1] == "" and since[3] == "2000-01-01"


def test_integer_column_without_gaps_stays_integer(files, tmp_path):
    r = run(["polygons", files["shp"], "--fields", "PLATE", "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    # PLATE has a gap in ROWS; a column of whole numbers with no gap is int64: the plates file
    shp = shared_data("muller2019_static_plate_polygons",
                      "Global_EarthByte_GPlates_PresentDay_StaticPlatePolygons_2019_v1.shp")
    if shp is None:
        pytest.skip("../shared/data/muller2019_static_plate_polygons absent")
    r = run(["polygons", shp, "--fields", "all", "-o", tmp_path / "p.h5"], ranks=2)
    assert r.returncode == 0, r.stderr
    f = read(tmp_path / "p.h5")["fields"]
    reader = shapefile.Reader(str(shp))
    names = [fd[0] for fd in reader.fields[1:]]
    assert sorted(f) == sorted(names)
    assert f["PLATEID1"].dtype == np.int64
    records = reader.records()
    assert list(f["PLATEID1"]) == [rec["PLATEID1"] for rec in records]
    assert [text(v) for v in f["NAME"]] == [rec["NAME"] for rec in records]


@pytest.mark.parametrize("ranks", [1, 2])
def test_csv_table(files, tmp_path, ranks):
    r = run(["polygons", files["shp"], "--fields", "NAME,CODE,PLATE", "--csv", tmp_path / "t.csv",
             "-o", tmp_path / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    h = read(tmp_path / "o.h5")
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["fid", "name", "NAME", "CODE", "PLATE", "area_m2", "area_km2",
                             "perimeter_m", "vertices"]
    assert len(rows) == len(ROWS)
    assert [row["NAME"] for row in rows] == ["Côte", "São", "Zürich", "plain"]  # Latin-1 decoded
    assert [row["CODE"] for row in rows] == ["a,b", 'say "hi"', "", "x"]  # quoted where needed
    assert [row["PLATE"] for row in rows] == ["101", "101", "", "202"]
    for row, area in zip(rows, h["area_m2"]):
        assert float(row["area_m2"]) == area  # 17 digits: the same double
        assert float(row["area_km2"]) == pytest.approx(area / 1e6, rel=1e-15)
        assert row["vertices"] == "5"


def test_format_csv_writes_only_the_table(files, tmp_path):
    r = run(["polygons", files["gpkg"], "--format", "csv", "-o", tmp_path / "t.h5"])
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [row["fid"] for row in rows] == ["1", "2", "3", "4"]  # GeoPackage's feature ids
    r = run(["polygons", files["gpkg"], "--format", "csv", "-o", tmp_path / "t.h5"])
    assert "exists" in assert_clean_failure(r, expect_code=1)  # no clobbering without --overwrite


@pytest.mark.parametrize("ranks", [1, 2])
def test_group_by_totals(tmp_path, ranks):
    shp = shared_data("muller2019_static_plate_polygons",
                      "Global_EarthByte_GPlates_PresentDay_StaticPlatePolygons_2019_v1.shp")
    if shp is None:
        pytest.skip("../shared/data/muller2019_static_plate_polygons absent")
    r = run(["polygons", shp, "--group-by", "plateid1", "-o", tmp_path / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    h = read(tmp_path / "o.h5")
    assert h["group_field"] == "PLATEID1" and "by PLATEID1:" in r.stdout
    g = h["groups"]
    plate = h["fields"]["PLATEID1"]
    assert int(g["count"].sum()) == len(plate)
    for value, count, area in zip(g["value"], g["count"], g["area_m2"]):
        sel = plate == int(value)
        assert count == sel.sum()
        assert area == pytest.approx(h["area_m2"][sel].sum(), rel=1e-13)
    assert np.all(np.diff(g["area_m2"]) <= 0)  # largest first
    assert np.all(np.isnan(g["area_planar"]))  # not computed: NaN, not 0


def test_field_mistakes_are_one_clear_error(files, tmp_path):
    for fmt in ("shp", "gpkg"):
        r = run(["polygons", files[fmt], "--fields", "NAME,NOPE", "-o", tmp_path / "o.h5"], ranks=2)
        line = assert_clean_failure(r, expect_code=1)
        assert "NOPE" in line and "PLATE" in line, line  # names the fields there are
        r = run(["polygons", files[fmt], "--group-by", "NOPE", "-o", tmp_path / "o.h5"])
        assert "NOPE" in assert_clean_failure(r, expect_code=1)
    r = run(["polygons", "--generate", "4", "--fields", "NAME", "-o", tmp_path / "g.h5"])
    assert "--fields" in assert_clean_failure(r, expect_code=2)
    r = run(["polygons", files["shp"], "--format", "csv", "--csv", tmp_path / "x.csv",
             "-o", tmp_path / "g.h5"])
    assert "--csv" in assert_clean_failure(r, expect_code=2)
    r = run(["polygons", files["shp"], "--fields", "NAME,,PLATE", "-o", tmp_path / "g.h5"])
    assert "--fields" in assert_clean_failure(r, expect_code=2)


def test_planar_areas_of_lonlat_data_warn_about_degrees(files, tmp_path):
    r = run(["polygons", files["shp"], "--area", "both", "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    assert [l for l in r.stderr.splitlines() if "warning" in l and "degree²" in l]
