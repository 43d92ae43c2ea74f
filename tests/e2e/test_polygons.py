"""End-to-end tests of `rankwise polygons`: known areas, rank-count independence, bad files.

The shapefiles are written here by a small pure-Python writer (no data files in the repo);
tests on the real data in ../shared/data skip when it is absent."""
import math
import struct
import sys
from pathlib import Path

import h5py
import numpy as np
import pytest
from pyproj import CRS, Geod, Transformer

from rwtest import assert_clean_failure, run, shared_data

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "python"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from polygons_pyproj import read_polygons  # noqa: E402  (a numpy .shp reader, independent of rankwise)
from shapefile_bytes import shapefile_bytes  # noqa: E402

GEOD = Geod(ellps="WGS84")
WGS84_AREA = 510065621724088.5
GEO_WKT = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
           'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
PROJ_WKT = 'PROJCS["WGS_1984_UTM_Zone_33N",GEOGCS["GCS_WGS_1984"],UNIT["Meter",1.0]]'


# --- shapefiles from a minimal pure-Python encoder (tests/support/shapefile_bytes.py) -----------
def write_shapefile(base, records, names=None, prj=GEO_WKT, cpg="UTF-8", encoding="utf-8",
                    shape_type=5, language_driver=0):
    """records: one list of rings per record, each ring a list of (x, y). Writes base.shp/.shx/.dbf
    (+ .prj, .cpg unless None; cpg as bytes is written as is). Returns the .shp path."""
    base = Path(base)
    shp, shx, dbf = shapefile_bytes(records, shape_type, names, encoding, language_driver)
    base.with_suffix(".shp").write_bytes(shp)
    base.with_suffix(".shx").write_bytes(shx)
    base.with_suffix(".dbf").write_bytes(dbf)
    if prj is not None:
        base.with_suffix(".prj").write_text(prj)
    if isinstance(cpg, bytes):
        base.with_suffix(".cpg").write_bytes(cpg)
    elif cpg is not None:
        base.with_suffix(".cpg").write_text(cpg)
    return base.with_suffix(".shp")


# --- shapes with known areas -------------------------------------------------------------------
def zone(lat):
    """WGS84 area between the equator and `lat` per radian of longitude."""
    a, f = 6378137.0, 1 / 298.257223563
    e2 = f * (2 - f)
    e, b, s = math.sqrt(e2), a * (1 - f), math.sin(math.radians(lat))
    return b * b * (s / (2 * (1 - e2 * s * s)) + math.atanh(e * s) / (2 * e))


def rectangle(lon0, lat0, w, h, step=0.01, hole=False):
    """Clockwise lat/lon rectangle (counter-clockwise if hole), parallels densified."""
    n = max(1, math.ceil(w / step))
    top = [(lon0 + w * i / n, lat0 + h) for i in range(n + 1)]
    bottom = [(lon0 + w * i / n, lat0) for i in range(n, -1, -1)]
    ring = top + bottom + [top[0]]
    ring = [((x + 180) % 360 - 180, y) for x, y in ring]
    return ring[::-1] if hole else ring


def rectangle_area(w, lat0, h):
    return math.radians(w) * (zone(lat0 + h) - zone(lat0))


def pyproj_area(rings):
    return abs(sum(-GEOD.polygon_area_perimeter([p[0] for p in r], [p[1] for p in r])[0]
                   for r in rings))


KNOWN = {  # name: (rings, closed-form area)
    "rectangle": ([rectangle(10, 40, 5, 5)], rectangle_area(5, 40, 5)),
    "antimeridian": ([rectangle(175, -20, 10, 8)], rectangle_area(10, -20, 8)),
    "south cap": ([[((-0.1 * i + 180) % 360 - 180, -80.0) for i in range(3601)]],
                  2 * math.pi * (zone(-80) - zone(-90))),
    "with hole": ([rectangle(20, 10, 4, 4), rectangle(21, 11, 2, 2, hole=True)],
                  rectangle_area(4, 10, 4) - rectangle_area(2, 11, 2)),
    "wedge": ([[(0, 0), (0, 45), (30, 90), (30, 45), (30, 0), (15, 0), (0, 0)]], WGS84_AREA * 30 / 720),
}


def read(path):
    with h5py.File(path, "r") as f:
        g = f["polygons"]
        out = {k: g[k][()] for k in g}
        out["attrs"] = dict(g.attrs)
        out["timings"] = f["timings/seconds"][()]
        return out


@pytest.fixture
def known_file(tmp_path):
    return write_shapefile(tmp_path / "known", [v[0] for v in KNOWN.values()], names=list(KNOWN))


def test_known_geodesic_areas(known_file, tmp_path):
    out = tmp_path / "out.h5"
    r = run(["polygons", known_file, "-o", out])
    assert r.returncode == 0, r.stderr
    res = read(out)
    assert [n.decode() for n in res["name"]] == list(KNOWN)
    assert list(res["record"]) == list(range(len(KNOWN)))
    assert res["attrs"]["crs"] == "geographic" and res["attrs"]["area_mode"] == "geodesic"
    for i, (name, (rings, expected)) in enumerate(KNOWN.items()):
        area = res["area_m2"][i]
        # closed form: parallels are densified, so the geodesic polygon is within ~1e-6
        assert area == pytest.approx(expected, rel=1e-6), name
        # pyproj runs the same algorithm (Karney 2013): agreement to rounding
        assert area == pytest.approx(pyproj_area(rings), rel=1e-9), name
        assert res["parts"][i] == len(rings)
        assert res["vertices"][i] == sum(len(x) for x in rings)
    assert np.all(np.isnan(res["area_planar"]))
    assert res["attrs"]["total_area_m2"] == pytest.approx(sum(v[1] for v in KNOWN.values()), rel=1e-6)
    assert "total geodesic area" in r.stdout


@pytest.mark.parametrize("shape_type", [15, 25])
def test_polygon_z_and_m_give_the_same_areas(tmp_path, shape_type):
    rings = [v[0] for v in KNOWN.values()]
    plain = write_shapefile(tmp_path / "plain", rings)
    zm = write_shapefile(tmp_path / f"t{shape_type}", rings, shape_type=shape_type)
    assert run(["polygons", plain, "-o", tmp_path / "a.h5"]).returncode == 0
    r = run(["polygons", zm, "-o", tmp_path / "b.h5"], ranks=2)
    assert r.returncode == 0, r.stderr
    assert np.array_equal(read(tmp_path / "a.h5")["area_m2"], read(tmp_path / "b.h5")["area_m2"])


def test_projected_unit_square(tmp_path):
    # PROJ_WKT names a projection but not its parameters: planar areas need none of them, and
    # geodesic ones (the default for projected data) are one clear error (test_polygons_crs.py)
    square = [[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]
    big = [[(5e5, 7e6), (5e5, 7e6 + 3), (5e5 + 2, 7e6 + 3), (5e5 + 2, 7e6), (5e5, 7e6)],
           [(5e5 + 0.5, 7e6 + 1), (5e5 + 1.5, 7e6 + 1), (5e5 + 1.5, 7e6 + 2), (5e5 + 0.5, 7e6 + 2),
            (5e5 + 0.5, 7e6 + 1)]]
    shp = write_shapefile(tmp_path / "sq", [square, big], prj=PROJ_WKT)
    r = run(["polygons", shp, "--area", "planar", "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "o.h5")
    assert res["attrs"]["crs"] == "projected" and res["attrs"]["area_mode"] == "planar"
    assert list(res["area_planar"]) == [1.0, 5.0]
    assert np.all(np.isnan(res["area_m2"]))
    r = run(["polygons", shp, "--area", "geodesic", "-o", tmp_path / "g.h5"])
    line = assert_clean_failure(r, expect_code=1)
    assert "PROJ cannot read" in line


def test_both_areas_on_geographic(known_file, tmp_path):
    r = run(["polygons", known_file, "--area", "both", "-o", tmp_path / "b.h5"])
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "b.h5")
    assert not np.any(np.isnan(res["area_m2"])) and not np.any(np.isnan(res["area_planar"]))
    assert res["area_planar"][0] == pytest.approx(25.0)  # 5° x 5° in degrees²


@pytest.mark.parametrize("scatter", ["flat", "serialized"])
def test_identical_results_on_1_to_4_ranks(tmp_path, scatter):
    results = []
    for ranks in (1, 2, 3, 4):
        out = tmp_path / f"r{ranks}.h5"
        r = run(["polygons", "--generate", 301, "--seed", 5, "--vertices", 40, "--scatter", scatter,
                 "-o", out, "--quiet"], ranks=ranks)
        assert r.returncode == 0, r.stderr
        results.append(read(out))
        assert results[-1]["timings"].shape[0] == ranks
        assert set(results[-1]["rank"]) == set(range(ranks))
    for res in results[1:]:
        for key in ("record", "area_m2", "perimeter_m", "vertices", "parts", "expected_area", "name"):
            assert np.array_equal(res[key], results[0][key]), key
        assert res["attrs"]["total_area_m2"] == results[0]["attrs"]["total_area_m2"]
    res = results[0]
    rel = np.abs(res["area_m2"] / res["expected_area"] - 1)
    assert rel[0::2].max() < 1e-11 and rel[1::2].max() < 1e-6  # wedges exact, frames densified


def test_generate_projected_and_write_shapefile(tmp_path):
    shp = tmp_path / "synth.shp"
    r = run(["polygons", "--generate", 40, "--crs", "projected", "--write-shapefile", shp,
             "-o", tmp_path / "a.h5"])
    assert r.returncode == 0, r.stderr
    a = read(tmp_path / "a.h5")
    assert np.allclose(a["area_planar"], a["expected_area"], rtol=1e-10)
    r = run(["polygons", shp, "--area", "both", "-o", tmp_path / "b.h5"], ranks=2)
    assert r.returncode == 0, r.stderr
    b = read(tmp_path / "b.h5")
    assert np.array_equal(a["area_planar"], b["area_planar"])
    # the .prj (UTM 33N) lets PROJ unproject them: geodesic areas, within UTM's scale error
    assert np.allclose(b["area_m2"], b["area_planar"], rtol=1e-2)
    assert np.array_equal(a["name"], b["name"])
    assert b["attrs"]["crs_source"] == "prj"


def test_latin1_names_decoded(tmp_path):
    shp = write_shapefile(tmp_path / "l1", [KNOWN["rectangle"][0]] * 2,
                          names=["Côte d'Ivoire", "São Tomé"], cpg="ISO-8859-1", encoding="latin-1")
    r = run(["polygons", shp, "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    names = [n.decode("utf-8") for n in read(tmp_path / "o.h5")["name"]]
    assert names == ["Côte d'Ivoire", "São Tomé"]


# --- what the .prj says: accepted, refused, overridden (docs/polygons.md, "Coordinate systems") --
MARS_WKT = ('GEOGCS["Mars 2000",DATUM["D_Mars_2000",SPHEROID["Mars_2000_IAU_IAG",3396190.0,'
            '169.894447223612]],PRIMEM["Reference_Meridian",0.0],UNIT["Degree",0.0174532925199433]]')
UTM_WKT2 = ('PROJECTEDCRS["WGS 84 / UTM zone 33N",BASEGEOGCRS["WGS 84",DATUM["World Geodetic System 1984",'
            'ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],'
            'PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]]],'
            'CONVERSION["UTM zone 33N",METHOD["Transverse Mercator",ID["EPSG",9807]],'
            'PARAMETER["False easting",500000,LENGTHUNIT["metre",1]]],'
            'CS[Cartesian,2],AXIS["(E)",east,ORDER[1],LENGTHUNIT["metre",1]],'
            'AXIS["(N)",north,ORDER[2],LENGTHUNIT["metre",1]],ID["EPSG",32633]]')
FOOT_WKT = ('PROJCS["NAD83 / California zone 6 (ftUS)",GEOGCS["NAD83",DATUM["North_American_Datum_1983",'
            'SPHEROID["GRS 1980",6378137,298.257222101]],PRIMEM["Greenwich",0],'
            'UNIT["degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic_2SP"],'
            'UNIT["US survey foot",0.3048006096012192],AXIS["X",EAST],AXIS["Y",NORTH]]')
GRS80_WKT = GEO_WKT.replace("298.257223563", "298.257222101")
# 50 x 50 (m or ft) near UTM 33N's central meridian at 42°N: as lon/lat it is 45 million km².
SQUARE_50 = [[(500000, 4649776), (500000, 4649826), (500050, 4649826), (500050, 4649776), (500000, 4649776)]]


def warnings(result):
    return [l for l in result.stderr.splitlines() if l.startswith("rankwise: warning")]


@pytest.mark.parametrize("ranks", [1, 2])
def test_other_ellipsoid_gets_its_own_areas(tmp_path, ranks):
    shp = write_shapefile(tmp_path / "mars", [KNOWN["rectangle"][0]], prj=MARS_WKT)
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run(["polygons", shp, "-o", outdir / "m.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    res = read(outdir / "m.h5")
    mars = Geod(a=3396190.0, rf=169.894447223612)
    ring = KNOWN["rectangle"][0][0]
    expected = abs(mars.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])[0])
    assert res["area_m2"][0] == pytest.approx(expected, rel=1e-12)
    assert res["attrs"]["ellipsoid"] == "Mars_2000_IAU_IAG"
    assert "Mars_2000_IAU_IAG (a = 3396190 m" in r.stdout
    # --assume-crs EPSG:4326 still takes the coordinates as WGS84, if that is what is wanted
    r = run(["polygons", shp, "--assume-crs", "EPSG:4326", "-o", outdir / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    res = read(outdir / "o.h5")
    assert res["attrs"]["crs_source"] == "--assume-crs" and res["attrs"]["crs"] == "geographic"
    assert res["area_m2"][0] == pytest.approx(KNOWN["rectangle"][1], rel=1e-6)
    assert warnings(r) == []


def test_grs80_areas_are_on_grs80(tmp_path):
    shp = write_shapefile(tmp_path / "grs80", [KNOWN["rectangle"][0]], prj=GRS80_WKT)
    r = run(["polygons", shp, "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "o.h5")
    assert warnings(r) == [] and res["attrs"]["crs_source"] == "prj"
    assert res["attrs"]["ellipsoid_f"] == 1 / 298.257222101
    ring = KNOWN["rectangle"][0][0]
    grs80 = Geod(ellps="GRS80")
    expected = abs(grs80.polygon_area_perimeter([p[0] for p in ring], [p[1] for p in ring])[0])
    assert res["area_m2"][0] == pytest.approx(expected, rel=1e-13)


@pytest.mark.parametrize("ranks", [1, 2])
def test_wkt2_utm_square_is_2500_m2(tmp_path, ranks):
    shp = write_shapefile(tmp_path / "utm", [SQUARE_50, SQUARE_50], prj=UTM_WKT2)
    r = run(["polygons", shp, "--area", "planar", "-o", tmp_path / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    assert warnings(r) == []
    res = read(tmp_path / "o.h5")
    assert res["attrs"]["crs"] == "projected" and res["attrs"]["crs_source"] == "prj"
    assert res["attrs"]["area_mode"] == "planar"
    assert list(res["area_planar"]) == [2500.0, 2500.0]
    assert res["attrs"]["planar_area_unit"] == "m²" and res["attrs"]["planar_unit_m"] == 1.0
    assert np.all(np.isnan(res["area_m2"]))
    assert "total planar area 5000 m²" in r.stdout
    # by default, geodesic: the square on the ellipsoid, larger by UTM's scale factor 0.9996⁻²
    full = CRS.from_epsg(32633).to_wkt("WKT2_2019")
    shp = write_shapefile(tmp_path / "full", [SQUARE_50, SQUARE_50], prj=full)
    r = run(["polygons", shp, "-o", tmp_path / "g.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "g.h5")
    assert res["attrs"]["area_mode"] == "geodesic" and res["attrs"]["crs_id"] == "EPSG:32633"
    assert np.allclose(res["area_m2"], 2500 / 0.9996**2, rtol=2e-6)
    assert res["area_m2"][0] == res["area_m2"][1]


def test_us_survey_foot_unit_recorded(tmp_path):
    shp = write_shapefile(tmp_path / "ft", [SQUARE_50], prj=FOOT_WKT)
    # FOOT_WKT names the projection without its parameters: enough for planar areas
    r = run(["polygons", shp, "--area", "planar", "-o", tmp_path / "o.h5"])
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "o.h5")
    assert list(res["area_planar"]) == [2500.0]  # the data's units², as shapely and ArcGIS give it
    assert res["attrs"]["planar_area_unit"] == "US survey foot²"
    assert res["attrs"]["planar_unit_m"] == 0.3048006096012192
    assert "2500 US survey foot²  (232.25" in r.stdout  # and in m² beside it
    # geodesic (the default) with the full CRS: PROJ converts the feet, pyproj agrees
    crs = CRS.from_epsg(2230)  # NAD83 / California zone 6 (ftUS)
    shp = write_shapefile(tmp_path / "full", [SQUARE_50], prj=crs.to_wkt("WKT1_GDAL"))
    r = run(["polygons", shp, "-o", tmp_path / "g.h5"])
    assert r.returncode == 0, r.stderr
    inv = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = inv.transform(*zip(*SQUARE_50[0]))
    expected = abs(Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)[0])
    # (to 1e-5 m², 4e-8 relative: a 15 m square 150 km from the origin magnifies rounding)
    assert read(tmp_path / "g.h5")["area_m2"][0] == pytest.approx(expected, abs=1e-5)
    assert 200 < expected < 260  # 232.26 m² on the map, times the projection's scale error


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("prj,mentions", [
    ("LOCAL_CS[\"site grid\",UNIT[\"metre\",1]]", "a LOCAL_CS coordinate system, neither geographic"),
    ("this is not WKT", "not a WKT coordinate system"),
    ("GEOGCS[\"GCS_WGS_1984\",DATUM[\"D_WGS_1984\"", "not a WKT coordinate system"),
])
def test_unknown_prj_refused_unless_assumed(tmp_path, ranks, prj, mentions):
    # lon/lat-sized coordinates: the old bounds guess would have called them geographic
    shp = write_shapefile(tmp_path / "in", [[[(0, 0), (0, 1), (1, 1), (1, 0), (0, 0)]]], prj=prj)
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run(["polygons", shp, "-o", outdir / "o.h5"], ranks=ranks)
    line = assert_clean_failure(r, directory=outdir, expect_code=1)
    assert str(shp.with_suffix(".prj")) in line and mentions in line, line
    assert "--assume-crs" in line
    r = run(["polygons", shp, "--assume-crs", "planar", "-o", outdir / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    res = read(outdir / "o.h5")
    assert res["attrs"]["crs"] == "projected" and res["attrs"]["crs_source"] == "--assume-crs"
    assert list(res["area_planar"]) == [1.0] and res["attrs"]["planar_area_unit"] == "unit²"
    assert warnings(r) == []


@pytest.mark.parametrize("ranks", [1, 2])
def test_missing_prj_warns_once(tmp_path, ranks):
    shp = write_shapefile(tmp_path / "in", [KNOWN["rectangle"][0]], prj=None)
    r = run(["polygons", shp, "-o", tmp_path / "o.h5", "--quiet"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    [line] = warnings(r)
    assert str(shp.with_suffix(".prj")) + ": missing" in line
    assert "longitude/latitude on WGS84" in line and "--assume-crs EPSG:4326" in line
    assert read(tmp_path / "o.h5")["attrs"]["crs_source"] == "bounds"
    r = run(["polygons", shp, "-o", tmp_path / "a.h5", "--assume-crs", "epsg:4326"], ranks=ranks)
    assert r.returncode == 0 and warnings(r) == [], r.stderr
    a, o = read(tmp_path / "a.h5"), read(tmp_path / "o.h5")
    assert np.array_equal(a["area_m2"], o["area_m2"])
    # projected-sized coordinates without a .prj: planar, said once
    shp = write_shapefile(tmp_path / "utm", [SQUARE_50], prj=None)
    r = run(["polygons", shp, "-o", tmp_path / "p.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    [line] = warnings(r)
    assert "taken as planar" in line and "--assume-crs planar" in line
    assert list(read(tmp_path / "p.h5")["area_planar"]) == [2500.0]


def test_assume_crs_is_for_files_only(tmp_path):
    r = run(["polygons", "--generate", 4, "--assume-crs", "planar", "-o", tmp_path / "o.h5"])
    assert "--assume-crs" in assert_clean_failure(r, tmp_path, expect_code=2)
    r = run(["polygons", "--generate", 4, "--assume-crs", "EPSG:3857", "-o", tmp_path / "o.h5"])
    assert "--assume-crs" in assert_clean_failure(r, tmp_path, expect_code=2)


@pytest.mark.parametrize("ranks", [1, 2])
@pytest.mark.parametrize("cpg,driver,used", [(b"\xff\xfe", 0, ""), (b"\xff\xfe", 87, "LDID/87"),
                                             (b"no such encoding\r\n", 0, "")])
def test_invalid_cpg_warns_and_stores_valid_utf8(tmp_path, ranks, cpg, driver, used):
    shp = write_shapefile(tmp_path / "in", [KNOWN["rectangle"][0]] * 2, names=["Côte d'Ivoire", "Zürich"],
                          cpg=cpg, encoding="latin-1", language_driver=driver)
    r = run(["polygons", shp, "-o", tmp_path / "o.h5"], ranks=ranks)
    assert r.returncode == 0, r.stderr
    [line] = warnings(r)
    assert line.startswith("rankwise: warning: " + str(shp.with_suffix(".cpg")) + ": "), line
    assert "is not a code page name; ignored" in line
    with h5py.File(tmp_path / "o.h5", "r") as f:  # the attribute's raw bytes, not h5py's decoding
        attr = f["polygons"].attrs.get_id("code_page")
        raw = np.empty((), dtype=attr.dtype)
        attr.read(raw)
    stored = raw[()] if isinstance(raw[()], bytes) else raw[()].encode("utf-8")
    assert stored.decode("utf-8") == used  # strict: surrogate escapes would fail here
    names = [n.decode("utf-8") for n in read(tmp_path / "o.h5")["name"]]
    assert names == ["Côte d'Ivoire", "Zürich"]  # Latin-1 and Windows-1252 agree on these


def test_unsupported_code_page_still_refused(tmp_path):
    shp = write_shapefile(tmp_path / "in", [KNOWN["rectangle"][0]], cpg="BIG5")
    line = assert_clean_failure(run(["polygons", shp, "-o", tmp_path / "o.h5"]), expect_code=1)
    assert "code page 'BIG5' is not supported" in line


# --- more ranks than polygons: empty shares are gathered without touching null pointers -------
@pytest.mark.parametrize("scatter", ["flat", "serialized"])
def test_more_ranks_than_polygons(tmp_path, scatter):
    one = write_shapefile(tmp_path / "one", [KNOWN["wedge"][0]])
    two = write_shapefile(tmp_path / "two", [KNOWN["wedge"][0], KNOWN["rectangle"][0]])
    for source, extra in ((one, []), (two, []), ("gen1", ["--generate", 1]), ("gen2", ["--generate", 2])):
        args = [source] if not extra else extra
        ref = None
        for ranks in (1, 2, 3):
            out = tmp_path / f"{Path(str(source)).stem}-{ranks}.h5"
            r = run(["polygons", *args, "--scatter", scatter, "-o", out, "--quiet"], ranks=ranks)
            assert r.returncode == 0, r.stderr
            assert "runtime error" not in r.stderr and "Sanitizer" not in r.stderr, r.stderr
            res = read(out)
            assert res["timings"].shape[0] == ranks
            if ref is None:
                ref = res
            for key in ("record", "area_m2", "perimeter_m", "vertices", "name"):
                assert np.array_equal(res[key], ref[key]), (source, ranks, key)
            assert res["attrs"]["total_area_m2"] == ref["attrs"]["total_area_m2"]


# --- bad input: one message, non-zero exit, no output, no hang ---------------------------------
def corrupt(kind, shp):
    base = shp.with_suffix("")
    data = bytearray(shp.read_bytes())
    if kind == "missing":
        return base.with_name("nothing.shp")
    if kind == "truncated":
        shp.write_bytes(data[:-12])
    elif kind == "magic":
        data[0:4] = struct.pack(">i", 1234)
        shp.write_bytes(data)
    elif kind == "type":
        data[32:36] = struct.pack("<i", 3)  # PolyLine
        shp.write_bytes(data)
        shx = bytearray(base.with_suffix(".shx").read_bytes())
        shx[32:36] = struct.pack("<i", 3)
        base.with_suffix(".shx").write_bytes(shx)
    elif kind == "counts":
        write_shapefile(base.with_name("other"), [KNOWN["wedge"][0]] * 3)
        base.with_suffix(".dbf").write_bytes(base.with_name("other.dbf").read_bytes())
    elif kind == "part_index":
        data[100 + 8 + 44:100 + 8 + 48] = struct.pack("<i", 10**6)  # record 0, parts[0]
        shp.write_bytes(data)
    elif kind == "huge_points":
        data[100 + 8 + 40:100 + 8 + 44] = struct.pack("<i", 0x7FFFFFFF)  # record 0, numPoints
        shp.write_bytes(data)
    elif kind == "record_length":
        data[100 + 4:100 + 8] = struct.pack(">i", 2)  # record 0's header disagrees with the .shx
        shp.write_bytes(data)
    elif kind == "empty":
        write_shapefile(base, [])
    elif kind == "dbf_garbage":
        base.with_suffix(".dbf").write_bytes(b"\x03garbage")
    return shp


BAD = {"missing": "no such file", "truncated": "truncated", "magic": "not a shapefile",
       "type": "not a polygon type", "counts": "records but the .shx has", "part_index": "record 0",
       "empty": "no records", "dbf_garbage": ".dbf", "huge_points": "record 0: ",
       "record_length": "differs from the .shx's"}


@pytest.mark.parametrize("ranks", [1, 3])
@pytest.mark.parametrize("kind", list(BAD))
def test_bad_files_fail_cleanly(tmp_path, kind, ranks):
    shp = write_shapefile(tmp_path / "in", [KNOWN["wedge"][0], KNOWN["rectangle"][0]])
    bad = corrupt(kind, shp)
    outdir = tmp_path / "out"
    outdir.mkdir()
    r = run(["polygons", bad, "-o", outdir / "o.h5"], ranks=ranks, timeout=60)
    line = assert_clean_failure(r, directory=outdir, expect_code=1)
    assert BAD[kind] in line, line
    assert str(bad.with_suffix("").name) in line or "nothing" in line


def test_usage_errors(tmp_path):
    assert_clean_failure(run(["polygons", "-o", tmp_path / "o.h5"]), tmp_path, expect_code=2)
    assert_clean_failure(run(["polygons", "--generate", 10, "--vertices", 3, "-o", tmp_path / "o.h5"]),
                         tmp_path, expect_code=2)
    assert_clean_failure(run(["polygons", "--generate", 0, "-o", tmp_path / "o.h5"]), tmp_path,
                         expect_code=2)


# --- real data (../shared/data) -----------------------------------------------------------------
NE = ("naturalearth_lowres", "naturalearth_lowres.shp")
PLATES = ("muller2019_static_plate_polygons",
          "Global_EarthByte_GPlates_PresentDay_StaticPlatePolygons_2019_v1.shp")


def need(parts):
    p = shared_data(*parts)
    if p is None:
        pytest.skip(f"shared data {'/'.join(parts)} not found (set RANKWISE_SHARED_DATA)")
    return p


def test_natural_earth(tmp_path):
    shp = need(NE)
    r = run(["polygons", shp, "-o", tmp_path / "ne.h5"], ranks=2)
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "ne.h5")
    names = [n.decode("utf-8") for n in res["name"]]
    assert "Côte d'Ivoire" in names
    assert res["attrs"]["code_page"].upper().startswith("ISO")
    za, ls = names.index("South Africa"), names.index("Lesotho")
    assert res["parts"][za] == 2
    # South Africa = its outer ring minus its second ring, which is Lesotho's outline
    rings = read_polygons(str(shp))[za]
    outer, hole = (abs(GEOD.polygon_area_perimeter(x, y)[0]) for x, y in rings)
    assert hole == pytest.approx(res["area_m2"][ls], rel=1e-9)
    assert res["area_m2"][za] == pytest.approx(outer - hole, rel=1e-12)
    assert res["area_m2"][za] == pytest.approx(1.2164e12, rel=1e-3)
    aq = names.index("Antarctica")
    assert 1.2e13 < res["area_m2"][aq] < 1.4e13  # reaches -90°: no pole wraparound error
    fj = names.index("Fiji")
    assert 1.0e10 < res["area_m2"][fj] < 3.0e10  # split at the antimeridian
    assert names[int(np.argmax(res["area_m2"]))] == "Russia"
    assert res["parts"][names.index("Canada")] == 30  # multipart


def test_natural_earth_name_field(tmp_path):
    shp = need(NE)
    r = run(["polygons", shp, "--name-field", "iso_a3", "-o", tmp_path / "ne.h5"])
    assert r.returncode == 0, r.stderr
    assert b"CIV" in list(read(tmp_path / "ne.h5")["name"])
    # matched without regard to case, as in GDAL-read formats (Natural Earth's full files say ISO_A3)
    r = run(["polygons", shp, "--name-field", "ISO_A3", "-o", tmp_path / "upper.h5"])
    assert r.returncode == 0, r.stderr
    upper = read(tmp_path / "upper.h5")
    assert list(upper["name"]) == list(read(tmp_path / "ne.h5")["name"])
    assert upper["attrs"]["name_field"] == "iso_a3"  # the field's own spelling
    r = run(["polygons", shp, "--name-field", "NOPE", "-o", tmp_path / "x.h5"], ranks=2)
    assert "no field 'NOPE'" in assert_clean_failure(r, expect_code=1)


def test_plate_polygons_tile_the_ellipsoid(tmp_path):
    shp = need(PLATES)
    r = run(["polygons", shp, "-o", tmp_path / "p.h5"], ranks=3)
    assert r.returncode == 0, r.stderr
    res = read(tmp_path / "p.h5")
    assert len(res["record"]) == 2067
    total = res["attrs"]["total_area_m2"]
    assert abs(total / WGS84_AREA - 1) < 1e-6, total
    assert res["attrs"]["ellipsoid_area_m2"] == pytest.approx(WGS84_AREA, rel=1e-15)
    # every record against pyproj (same algorithm, independent implementation and reader)
    expected = [pyproj_area([list(zip(x, y)) for x, y in rings]) for rings in read_polygons(str(shp))]
    assert np.allclose(res["area_m2"], expected, rtol=1e-9, atol=1e-3)
