"""Every output opens in the readers users reach for (README, "Output"): xarray with the h5netcdf
and the netCDF4 engine, for every group of every driver's output and of a checkpoint, without
`phony_dims`, values equal to h5py's; strings are text (variable-length UTF-8); every axis of
every dataset has a named HDF5 dimension scale."""
import h5py
import numpy as np
import pytest

from rwtest import run, shared_data

xr = pytest.importorskip("xarray", reason="python3-xarray is not installed (scripts/setup.sh installs it)")
pytest.importorskip("h5netcdf", reason="python3-h5netcdf is not installed")
pytest.importorskip("netCDF4", reason="python3-netcdf4 is not installed")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    d = tmp_path_factory.mktemp("readers")
    shp = shared_data("naturalearth_lowres", "naturalearth_lowres.shp")
    if shp is None:
        shp = d / "synth.shp"
        assert run(["polygons", "--generate", "40", "--write-shapefile", shp, "-q",
                    "-o", d / "gen.h5"]).returncode == 0
    runs = {
        "pi": ["pi", "--terms", "1e6"],
        "sweep": ["pi", "--sweep", "--terms", "1e6"],
        "montecarlo": ["pi", "--method", "montecarlo", "--samples", "1e6"],
        "nbody": ["nbody", "--particles", "40", "--steps", "20", "--snapshot-every", "5",
                  "--checkpoint", d / "checkpoint.h5"],
        "polygons": ["polygons", shp, "--fields", "all", "--group-by", "NAME"],
    }
    for name, args in runs.items():
        r = run([*args, "-q", "-o", d / f"{name}.h5"], ranks=2)
        assert r.returncode == 0, r.stderr
    return d


def groups(path):
    out = ["/"]
    with h5py.File(path) as f:
        f.visititems(lambda name, obj: out.append("/" + name) if isinstance(obj, h5py.Group) else None)
    return out


def as_text(a):
    if a.dtype.kind in "SO":
        return np.array([x.decode() if isinstance(x, bytes) else x for x in a.ravel()], dtype=object).reshape(a.shape)
    return a


FILES = ["pi", "sweep", "montecarlo", "nbody", "polygons", "checkpoint"]


@pytest.mark.parametrize("engine", ["h5netcdf", "netcdf4"])
@pytest.mark.parametrize("name", FILES)
def test_every_group_opens_in_xarray(outputs, name, engine):
    path = outputs / f"{name}.h5"
    seen = 0
    for g in groups(path):
        with xr.open_dataset(path, group=g, engine=engine) as ds, h5py.File(path) as f:
            for k, v in {**ds.data_vars, **ds.coords}.items():
                ref = as_text(f[g][k][()])
                got = v.values
                if got.dtype.kind in "SUO":
                    assert [str(x) for x in got.ravel()] == [str(x) for x in ref.ravel()], (g, k)
                    assert all(isinstance(x, str) for x in got.ravel()), (g, k)  # text, not bytes
                else:
                    np.testing.assert_array_equal(got, ref, err_msg=f"{g}/{k}")
                seen += 1
    assert seen > 0


def test_every_axis_has_a_dimension_scale_and_strings_are_utf8(outputs):
    for name in FILES:
        with h5py.File(outputs / f"{name}.h5") as f:
            def check(path, obj):
                if not isinstance(obj, h5py.Dataset):
                    return
                if h5py.h5ds.is_scale(obj.id):
                    return
                for k, dim in enumerate(obj.dims):
                    assert len(dim) == 1, f"{name}:{path} axis {k} has no dimension scale"
                if obj.dtype.kind in "SO":
                    assert h5py.check_string_dtype(obj.dtype).length is None, f"{name}:{path} fixed-length"
                    assert h5py.check_string_dtype(obj.dtype).encoding == "utf-8", path
            f.visititems(check)


def test_dimension_names(outputs):
    with xr.open_dataset(outputs / "nbody.h5", group="nbody", engine="h5netcdf") as ds:
        assert ds["positions"].dims == ("frame", "particle", "xyz")
        assert list(ds["xyz"].values) == ["x", "y", "z"]
        assert ds["masses"].dims == ("particle",)
    for engine in ("h5netcdf", "netcdf4"):  # the per-frame views share /nbody's dimensions
        with xr.open_dataset(outputs / "nbody.h5", group="nbody/frames/000000",
                             engine=engine) as ds:
            assert sorted(ds.data_vars) == [f"{a}_{f:06d}" for a in ("positions", "velocities")
                                            for f in range(5)]
            assert all(v.dims == ("particle", "xyz") for v in ds.data_vars.values())
            assert list(ds["particle"].values) == list(range(40))
    with xr.open_dataset(outputs / "pi.h5", group="timings", engine="netcdf4") as ds:
        assert ds["seconds"].dims == ("rank", "phase")
        assert list(ds["phase"].values) == list(ds["phases"].values)
        assert ds.sizes["rank"] == 2
    with xr.open_dataset(outputs / "polygons.h5", group="polygons", engine="h5netcdf") as ds:
        assert ds["area_m2"].dims == ("record",)
    with xr.open_dataset(outputs / "polygons.h5", group="polygons/fields", engine="h5netcdf") as ds:
        assert all(v.dims == ("record",) for v in ds.data_vars.values())
