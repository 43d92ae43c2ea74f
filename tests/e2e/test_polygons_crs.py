"""`rankwise polygons` on the file's own CRS (docs/polygons.md, "Coordinate systems"): the same
polygons written in lon/lat on several ellipsoids and in several projections give the areas
pyproj computes for them (the vertices unprojected by PROJ, pyproj.Geod on the base CRS's
ellipsoid), on 1 and 2 ranks, with the edges taken as geodesics or as straight map lines."""
import math
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from pyproj import CRS, Geod, Transformer

from rwtest import assert_clean_failure, run

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from shapefile_bytes import shapefile_bytes  # noqa: E402

MARS_WKT = ('GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",3396190.0,'
            '169.894447223612]],PRIMEM["Reference_Meridian",0.0],UNIT["Degree",0.0174532925199433]]')


def ring(lon0, lat0, w, h, step=0.05, hole=False):
    """Clockwise lon/lat rectangle with vertices every `step` degrees on every side."""
    nx, ny = max(1, math.ceil(w / step)), max(1, math.ceil(h / step))
    pts = [(lon0, lat0 + h * j / ny) for j in range(ny)]                 # up the west side
    pts += [(lon0 + w * i / nx, lat0 + h) for i in range(nx)]            # east along the top
    pts += [(lon0 + w, lat0 + h - h * j / ny) for j in range(ny)]        # down the east side
    pts += [(lon0 + w - w * i / nx, lat0) for i in range(nx)]            # west along the bottom
    pts.append(pts[0])
    return pts[::-1] if hole else pts


def shapes(lon, lat):
    """Three records around (lon, lat): a 2°x1° block with a hole, a small lot, a coarse 4°x3° block
    (edges of 1°, where geodesic and straight-on-the-map edges differ)."""
    return [[ring(lon, lat, 2, 1), ring(lon + 0.5, lat + 0.25, 0.5, 0.5, hole=True)],
            [ring(lon + 2.5, lat, 0.01, 0.01, step=0.001)],
            [ring(lon - 4.5, lat - 1, 4, 3, step=1.0)]]


def write(base, records, wkt):
    base = Path(base)
    shp, shx, dbf = shapefile_bytes(records, 5, None, "utf-8", 0)
    base.with_suffix(".shp").write_bytes(shp)
    base.with_suffix(".shx").write_bytes(shx)
    base.with_suffix(".dbf").write_bytes(dbf)
    base.with_suffix(".prj").write_text(wkt)
    return base.with_suffix(".shp")


def project(records, crs):
    """lon/lat records (on crs's base geographic CRS) -> crs's coordinates."""
    if crs.is_geographic:
        return records
    fwd = Transformer.from_crs(crs.geodetic_crs, crs, always_xy=True)
    out = []
    for rec in records:
        out.append([list(zip(*fwd.transform([p[0] for p in r], [p[1] for p in r]))) for r in rec])
    return out


def densify(r, step):
    """As rankwise: every edge in equal pieces no longer than `step`, on the straight map line."""
    out = []
    for (x0, y0), (x1, y1) in zip(r[:-1], r[1:]):
        dx, dy = x1 - x0, y1 - y0
        k = max(1, min(65536, math.ceil(math.hypot(dx, dy) / step)))
        out.append((x0, y0))
        out += [(x0 + (j / k) * dx, y0 + (j / k) * dy) for j in range(1, k)]
    out.append(r[-1])
    return out


def pyproj_areas(records, crs, step=None):
    """What pyproj computes: vertices back to lon/lat on the base CRS, Geod on its ellipsoid."""
    e = crs.ellipsoid
    geod = Geod(a=e.semi_major_metre, rf=e.inverse_flattening) if e.inverse_flattening else \
        Geod(a=e.semi_major_metre, f=0)
    inv = None if crs.is_geographic else Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    areas = []
    for rec in records:
        total = 0.0
        for r in rec:
            if step is not None:
                r = densify(r, step)
            x, y = [p[0] for p in r], [p[1] for p in r]
            if inv is not None:
                x, y = inv.transform(x, y)
            total += -geod.polygon_area_perimeter(x, y)[0]
        areas.append(abs(total))
    return np.array(areas)


def read(path):
    with h5py.File(path, "r") as f:
        g = f["polygons"]
        return {"area_m2": g["area_m2"][...], "area_planar": g["area_planar"][...],
                "attrs": {k: (v.decode() if isinstance(v, bytes) else v) for k, v in g.attrs.items()}}


SPHERE = CRS.from_proj4("+proj=longlat +R=6371000 +no_defs")
CASES = {  # name: (CRS, where the shapes sit, .prj dialect)
    "EPSG:4326": (CRS.from_epsg(4326), (10, 45), "WKT1_ESRI"),
    "UTM 33N": (CRS.from_epsg(32633), (13, 45), "WKT1_GDAL"),
    "EASE-Grid 2.0 (EPSG:6933)": (CRS.from_epsg(6933), (10, 45), "WKT2_2019"),
    "Mollweide (ESRI:54009)": (CRS.from_user_input("ESRI:54009"), (-60, -20), "WKT1_ESRI"),
    "California 5 ftUS (EPSG:2229)": (CRS.from_epsg(2229), (-118, 34), "WKT1_GDAL"),
    "sphere": (SPHERE, (10, 45), "WKT1_GDAL"),
    "GRS80 (EPSG:4269)": (CRS.from_epsg(4269), (-100, 40), "WKT1_ESRI"),
    "Mars 2000": (CRS.from_wkt(MARS_WKT), (137, -5), None),
}


@pytest.mark.parametrize("name", list(CASES))
def test_areas_match_pyproj(tmp_path, name):
    crs, (lon, lat), dialect = CASES[name]
    lonlat = shapes(lon, lat)
    records = project(lonlat, crs)
    shp = write(tmp_path / "in", records, MARS_WKT if dialect is None else crs.to_wkt(dialect))
    expected = pyproj_areas(records, crs)
    results = []
    for ranks, threads in [(1, 1), (2, 1), (1, 2)]:
        out = tmp_path / f"o{ranks}{threads}.h5"
        r = run(["polygons", shp, "--threads", threads, "-o", out], ranks=ranks)
        assert r.returncode == 0, r.stderr
        assert "warning" not in r.stderr, r.stderr
        results.append(read(out))
    res = results[0]
    assert res["attrs"]["area_mode"] == "geodesic"
    assert res["attrs"]["crs"] == ("geographic" if crs.is_geographic else "projected")
    np.testing.assert_allclose(res["area_m2"], expected, rtol=1e-9, atol=1e-6)
    e = crs.ellipsoid
    assert res["attrs"]["ellipsoid_a_m"] == pytest.approx(e.semi_major_metre, rel=1e-12)
    f = 1 / e.inverse_flattening if e.inverse_flattening else 0.0
    assert res["attrs"]["ellipsoid_f"] == pytest.approx(f, rel=1e-12, abs=1e-18)
    assert res["attrs"]["crs_wkt"] and res["attrs"]["crs_name"]
    for other in results[1:]:  # same bits on any rank and thread count
        assert np.array_equal(other["area_m2"], res["area_m2"])
    # lon/lat areas on another ellipsoid really differ from WGS84's (not silently WGS84)
    if name in ("sphere", "Mars 2000"):
        wgs84 = pyproj_areas(lonlat, CRS.from_epsg(4326))
        assert not np.allclose(res["area_m2"], wgs84, rtol=1e-3)


@pytest.mark.parametrize("name", ["UTM 33N", "Mollweide (ESRI:54009)", "California 5 ftUS (EPSG:2229)"])
def test_straight_map_edges_are_densified(tmp_path, name):
    crs, (lon, lat), dialect = CASES[name]
    records = project(shapes(lon, lat), crs)
    shp = write(tmp_path / "in", records, crs.to_wkt(dialect))
    unit = crs.axis_info[0].unit_conversion_factor
    geodesic_edges = pyproj_areas(records, crs)
    results = {}
    for step_m in (1000, 100):
        out = tmp_path / f"p{step_m}.h5"
        r = run(["polygons", shp, "--edges", "projected", "--densify", step_m, "-o", out], ranks=2)
        assert r.returncode == 0, r.stderr
        res = read(out)
        assert res["attrs"]["edges"] == "projected"
        assert res["attrs"]["densify_m"] == pytest.approx(step_m)
        np.testing.assert_allclose(res["area_m2"], pyproj_areas(records, crs, step=step_m / unit),
                                   rtol=1e-9)
        results[step_m] = res["area_m2"]
    # 1 km pieces are converged (to 1e-7 of the area), and straight map lines enclose a
    # measurably different area than geodesics on the coarse block (1° edges)
    np.testing.assert_allclose(results[1000], results[100], rtol=1e-7)
    assert abs(results[100][2] / geodesic_edges[2] - 1) > 1e-6


def test_planar_needs_no_projection_and_unreadable_projection_is_one_error(tmp_path):
    stub = 'PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984"],UNIT["Meter",1.0]]'
    shp = write(tmp_path / "in", [[[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]], stub)
    outdir = tmp_path / "out"
    outdir.mkdir()
    for ranks in (1, 2):
        r = run(["polygons", shp, "-o", outdir / "o.h5"], ranks=ranks)
        line = assert_clean_failure(r, directory=outdir, expect_code=1)
        assert "PROJ cannot read" in line and "--area planar" in line, line
    r = run(["polygons", shp, "--area", "planar", "-o", outdir / "o.h5"])
    assert r.returncode == 0, r.stderr
    assert list(read(outdir / "o.h5")["area_planar"]) == [1.0]


def test_vertex_outside_the_projection_is_one_error(tmp_path):
    crs = CRS.from_user_input("ESRI:54009")  # Mollweide: an ellipse, nothing outside it
    shp = write(tmp_path / "in", [[[(0, 0), (0, 1e5), (1e5, 1e5), (1e5, 0), (0, 0)]],
                                  [[(3e7, 0), (3e7, 1e5), (3.1e7, 1e5), (3.1e7, 0), (3e7, 0)]]],
                crs.to_wkt("WKT1_ESRI"))
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run(["polygons", shp, "-o", outdir / "o.h5"], ranks=2)
    line = assert_clean_failure(r, directory=outdir, expect_code=1)
    assert "record 1" in line and "cannot unproject" in line, line


def test_edges_option_only_where_it_applies(tmp_path):
    shp = write(tmp_path / "ll", [[ring(10, 45, 1, 1)]], CRS.from_epsg(4326).to_wkt("WKT1_ESRI"))
    r = run(["polygons", shp, "--edges", "projected", "-o", tmp_path / "o.h5"])
    assert "longitude/latitude" in assert_clean_failure(r, expect_code=2)
    r = run(["polygons", "--generate", "4", "--edges", "geodesic", "-o", tmp_path / "g.h5"])
    assert "--edges" in assert_clean_failure(r, expect_code=2)
    r = run(["polygons", shp, "--densify", "0.5", "-o", tmp_path / "d.h5"])
    assert "--densify" in assert_clean_failure(r, expect_code=2)


def test_totals_of_kinds_not_computed_are_nan(tmp_path):
    shp = write(tmp_path / "ll", [[ring(10, 45, 1, 1)]], CRS.from_epsg(4326).to_wkt("WKT1_ESRI"))
    r = run(["polygons", shp, "-o", tmp_path / "g.h5"])
    assert r.returncode == 0, r.stderr
    a = read(tmp_path / "g.h5")["attrs"]
    assert math.isnan(a["total_area_planar"]) and a["total_area_m2"] > 0
    assert "km²" in r.stdout
    r = run(["polygons", shp, "--area", "planar", "-o", tmp_path / "p.h5"])
    assert r.returncode == 0, r.stderr
    a = read(tmp_path / "p.h5")["attrs"]
    assert math.isnan(a["total_area_m2"]) and math.isnan(a["total_perimeter_m"])
    assert a["total_area_planar"] == pytest.approx(1.0, rel=1e-12)
