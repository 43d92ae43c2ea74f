"""rankwise.polygons.areas against `rankwise polygons`' HDF5 output, bit for bit."""
import numpy as np
import pytest

import rankwise
import rankwise.polygons as rp
from conftest import shared_data


def shapefile(run_cli, tmp_path, crs="geographic"):
    path = tmp_path / f"gen_{crs}.shp"
    run_cli("polygons", "--generate", "40", "--crs", crs, "--write-shapefile", str(path))
    return path


def columns(table):
    return {k: np.asarray(table[k]) for k in ("area_m2", "area_planar", "perimeter_m",
                                              "vertices")}


@pytest.mark.parametrize("kind", ["geodesic", "planar"])
def test_areas_are_the_cli_areas(run_cli, tmp_path, kind):
    path = shapefile(run_cli, tmp_path)
    want = run_cli("polygons", str(path), "--area", kind)["polygons"]
    got = columns(rankwise.polygons.areas(path, kind=kind, threads=2))
    for name, values in got.items():
        assert np.array_equal(values, want[name][()], equal_nan=True), name
    names = rankwise.polygons.areas(str(path), kind=kind, as_frame=False)["name"]
    assert list(names) == [n.decode() for n in want["name"][()]]


def test_projected_shapefile(run_cli, tmp_path):
    path = shapefile(run_cli, tmp_path, "projected")
    want = run_cli("polygons", str(path), "--area", "both")["polygons"]
    got = columns(rankwise.polygons.areas(path, kind="both"))
    for name, values in got.items():
        assert np.array_equal(values, want[name][()], equal_nan=True), name


def test_natural_earth(run_cli):
    path = shared_data("naturalearth_lowres/naturalearth_lowres.shp")
    if not path.exists():
        pytest.skip(f"{path} not here")
    want = run_cli("polygons", str(path))["polygons"]
    got = rankwise.polygons.areas(path, threads=2, as_frame=False)
    assert np.array_equal(got["area_m2"], want["area_m2"][()])


def test_dict_without_pandas(run_cli, tmp_path, monkeypatch):
    path = shapefile(run_cli, tmp_path)
    monkeypatch.setattr(rp, "_pd", None)
    table = rankwise.polygons.areas(path)
    assert isinstance(table, dict)
    assert set(table) == {"name", "area_m2", "area_planar", "perimeter_m", "vertices", "parts"}
    assert table["area_m2"].dtype == np.float64 and table["vertices"].dtype == np.uint64
    with pytest.raises(ImportError):
        rankwise.polygons.areas(path, as_frame=True)


def test_dataframe_with_pandas(run_cli, tmp_path):
    pd = pytest.importorskip("pandas")
    table = rankwise.polygons.areas(shapefile(run_cli, tmp_path))
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns[:4]) == ["name", "area_m2", "area_planar", "perimeter_m"]


def test_arrays():
    # A 1° x 1° square at the equator (clockwise: an outer ring) and, as a second record, the
    # same square with a clockwise outer and a counter-clockwise hole.
    sq_x, sq_y = [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]
    hole_x, hole_y = [0.25, 0.75, 0.75, 0.25, 0.25], [0.25, 0.25, 0.75, 0.75, 0.25]
    x = np.array(sq_x + sq_x + hole_x, dtype=float)
    y = np.array(sq_y + sq_y + hole_y, dtype=float)
    table = rankwise.polygons.areas((x, y, [0, 5, 10, 15], [0, 1, 3]), as_frame=False)
    one = table["area_m2"][0]
    assert one == pytest.approx(1.2308e10, rel=1e-3)  # 111.32 km x 110.57 km
    assert table["area_m2"][1] < one
    planar = rankwise.polygons.areas({"x": x[:5], "y": y[:5], "ring_start": [0, 5]},
                                     kind="planar", as_frame=False)
    assert planar["area_planar"][0] == 1.0
    for bad in ([0, 5, 11], [1, 5, 10, 15], [0, 10, 5, 15]):
        with pytest.raises(ValueError):
            rankwise.polygons.areas((x, y, bad), as_frame=False)
    with pytest.raises(ValueError):
        rankwise.polygons.areas((x, y, [0, 5, 10, 15]), kind="spherical")


@pytest.mark.parametrize("fmt", ["GPKG", "GeoJSON"])
@pytest.mark.parametrize("crs", ["geographic", "projected"])
def test_other_formats_are_read_as_the_cli_reads_them(run_cli, tmp_path, fmt, crs):
    """A GeoPackage or GeoJSON made by ogr2ogr: the areas and names of `rankwise polygons` on
    that file, bit for bit (through the same GDAL module and reading code)."""
    import shutil
    import subprocess

    if shutil.which("ogr2ogr") is None:
        pytest.skip("ogr2ogr is not installed (gdal-bin)")
    shp = shapefile(run_cli, tmp_path, crs)
    path = tmp_path / ("gen." + fmt.lower())
    subprocess.run(["ogr2ogr", "-f", fmt, str(path), str(shp)], check=True, timeout=60)
    want = run_cli("polygons", str(path), "--area", "both")["polygons"]
    table = rankwise.polygons.areas(path, kind="both", as_frame=False)
    for name, values in columns(table).items():
        assert np.array_equal(values, want[name][()], equal_nan=True), name
    assert list(table["name"]) == [n.decode() for n in want["name"][()]]
    assert len(table["name"]) == 40 and np.all(table["area_m2"] > 0)
    with pytest.raises(ValueError, match="no such file"):
        rankwise.polygons.areas(tmp_path / "missing.gpkg")
