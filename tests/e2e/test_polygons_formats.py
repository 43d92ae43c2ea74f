"""`rankwise polygons` on the vector formats GIS users hand around (docs/polygons.md, "Formats"):
GeoPackage, GeoJSON, FlatGeobuf and zipped shapefiles, read through GDAL, give the same areas
as rankwise's own shapefile reader on the same polygons; layers, feature ids, CRS and the
missing-module message. The files are made here with ogr2ogr (gdal-bin)."""
import shutil
import subprocess
import zipfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from rwtest import RANKWISE, assert_clean_failure, run, shared_data


def ogr2ogr(*args):
    r = subprocess.run(["ogr2ogr", *map(str, args)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


def read(path):
    with h5py.File(path, "r") as f:
        g = f["polygons"]
        return {"area_m2": g["area_m2"][...], "area_planar": g["area_planar"][...],
                "name": [n.decode() for n in g["name"][...]], "fid": g["fid"][...],
                "attrs": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}}


def convert(shp, d):
    """The shapefile in every other format: name -> path."""
    out = {"gpkg": d / "s.gpkg", "fgb": d / "s.fgb", "geojson": d / "s.geojson", "zip": d / "s.zip"}
    ogr2ogr("-f", "GPKG", "-nlt", "PROMOTE_TO_MULTI", out["gpkg"], shp)
    ogr2ogr("-f", "FlatGeobuf", "-nlt", "PROMOTE_TO_MULTI", "-lco", "SPATIAL_INDEX=NO", out["fgb"], shp)
    ogr2ogr("-f", "GeoJSON", out["geojson"], shp)
    with zipfile.ZipFile(out["zip"], "w") as z:
        for p in Path(shp).parent.glob(Path(shp).stem + ".*"):
            z.write(p, p.name)
    return out


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    d = tmp_path_factory.mktemp("formats")
    shp = d / "synth.shp"
    r = run(["polygons", "--generate", "300", "--seed", "5", "--write-shapefile", shp, "-q",
             "-o", d / "gen.h5"])
    assert r.returncode == 0, r.stderr
    return shp, convert(shp, d)


@pytest.mark.parametrize("fmt", ["gpkg", "fgb", "geojson", "zip", "shp via GDAL"])
@pytest.mark.parametrize("ranks", [1, 2])
def test_every_format_gives_the_shapefile_areas(synthetic, tmp_path, fmt, ranks):
    shp, files = synthetic
    r = run(["polygons", shp, "-o", tmp_path / "own.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    own = read(tmp_path / "own.h5")
    args = [shp, "--reader", "gdal"] if fmt == "shp via GDAL" else [files[fmt]]
    r = run(["polygons", *args, "-o", tmp_path / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    assert "warning" not in r.stderr, r.stderr
    res = read(tmp_path / "o.h5")
    assert res["name"] == own["name"]
    assert res["attrs"]["format"].endswith("(GDAL)") and own["attrs"]["format"] == "ESRI Shapefile (rankwise)"
    if fmt == "geojson":  # written as decimal text: the last digits differ
        np.testing.assert_allclose(res["area_m2"], own["area_m2"], rtol=1e-9)
    else:  # the same doubles: the same bits
        assert np.array_equal(res["area_m2"], own["area_m2"])
    # the source's feature ids: GeoPackage counts from 1, the others from 0 like the records
    first = 1 if fmt == "gpkg" else 0
    assert list(res["fid"]) == list(range(first, first + len(own["fid"])))
    assert list(own["fid"]) == list(range(len(own["fid"])))


def test_natural_earth_geopackage_equals_shapefile(tmp_path):
    shp = shared_data("naturalearth_lowres", "naturalearth_lowres.shp")
    if shp is None:
        pytest.skip("../shared/data/naturalearth_lowres absent")
    ogr2ogr("-f", "GPKG", tmp_path / "ne.gpkg", shp)  # mixed Polygon/MultiPolygon, as GIS tools write it
    for name, path in (("shp", shp), ("gpkg", tmp_path / "ne.gpkg")):
        r = run(["polygons", path, "-o", tmp_path / f"{name}.h5"], ranks=2)
        assert r.returncode == 0, r.stderr
    a, b = read(tmp_path / "shp.h5"), read(tmp_path / "gpkg.h5")
    assert a["name"] == b["name"] and np.array_equal(a["area_m2"], b["area_m2"])


def test_layers_are_chosen_by_name_or_index(synthetic, tmp_path):
    shp, files = synthetic
    gpkg = tmp_path / "two.gpkg"
    ogr2ogr("-f", "GPKG", "-nlt", "PROMOTE_TO_MULTI", "-nln", "all", gpkg, shp)
    ogr2ogr("-update", "-nlt", "PROMOTE_TO_MULTI", "-nln", "few", "-where", "FID < 10", gpkg, shp)
    r = run(["polygons", gpkg, "-o", tmp_path / "a.h5"])
    assert r.returncode == 0, r.stderr
    warnings = [l for l in r.stderr.splitlines() if "warning" in l]
    assert len(warnings) == 1 and "2 layers (all, few)" in warnings[0] and "--layer" in warnings[0]
    assert len(read(tmp_path / "a.h5")["fid"]) == 300
    for layer in ("few", "1"):
        r = run(["polygons", gpkg, "--layer", layer, "-o", tmp_path / f"{layer}.h5"], ranks=2)
        assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
        res = read(tmp_path / f"{layer}.h5")
        assert len(res["fid"]) == 10 and res["attrs"]["layer"] == "few"


def test_projected_geopackage_gets_geodesic_areas(synthetic, tmp_path):
    shp, _ = synthetic
    ease = tmp_path / "ease.gpkg"
    # the synthetic lon/lat set in the global equal-area EASE-Grid 2.0 (metres)
    ogr2ogr("-f", "GPKG", "-nlt", "PROMOTE_TO_MULTI", "-t_srs", "EPSG:6933", ease, shp)
    r = run(["polygons", ease, "-o", tmp_path / "u.h5"], ranks=2)
    assert r.returncode == 0, r.stderr
    u = read(tmp_path / "u.h5")
    assert u["attrs"]["crs"] == "projected" and u["attrs"]["crs_id"] == "EPSG:6933"
    assert u["attrs"]["area_mode"] == "geodesic" and u["attrs"]["ellipsoid"] == "WGS 84"
    r = run(["polygons", shp, "-o", tmp_path / "ll.h5"])
    ll = read(tmp_path / "ll.h5")
    by_name = dict(zip(ll["name"], ll["area_m2"]))
    assert len(u["name"]) > 20
    # reprojected there and back: the vertices move by nanometres, the areas by ~1e-10
    np.testing.assert_allclose(u["area_m2"], [by_name[n] for n in u["name"]], rtol=1e-8)


def test_without_the_gdal_module_the_message_says_what_to_do(synthetic, tmp_path):
    _, files = synthetic
    lone = tmp_path / "bin" / "rankwise"
    lone.parent.mkdir()
    shutil.copy2(RANKWISE, lone)  # no lib/rankwise/librankwise_ogr.so beside it
    r = subprocess.run(["mpiexec", "-n", "1", str(lone), "polygons", str(files["gpkg"]),
                        "-o", str(tmp_path / "x.h5")], capture_output=True, text=True, timeout=60,
                       env=__import__("rwtest").ENV)
    line = assert_clean_failure(r, expect_code=1)
    assert "GDAL module" in line and "ogr2ogr" in line, line
