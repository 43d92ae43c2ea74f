"""rankwise.load: every driver's output as DataFrames / xarray, or dicts of arrays without."""
import numpy as np
import pytest

import rankwise


@pytest.fixture
def outputs(run_cli, tmp_path):
    run_cli("pi", "--terms", "1e5")
    run_cli("nbody", "--particles", "8", "--steps", "10")
    run_cli("polygons", "--generate", "10")
    return [tmp_path / f"out{k}.h5" for k in range(3)]


def test_dicts_of_arrays(outputs):
    pi, nbody, polygons = (rankwise.load(p, pandas=False, xarray=False) for p in outputs)
    assert pi["pi"]["attrs"]["method"] == "series" and isinstance(pi["pi"]["attrs"]["method"], str)
    assert pi["provenance"]["mpi_ranks"] == 1 and isinstance(pi["provenance"]["version"], str)
    assert nbody["nbody"]["positions"].shape == (2, 8, 3)
    assert list(nbody["nbody"]["xyz"]) == ["x", "y", "z"]
    assert isinstance(polygons["polygons"]["name"][0], str)
    t = polygons["timings"]
    assert list(t["phase"][:3]) == ["setup", "read", "compute"] and set(t["rank"]) == {0}
    assert t["seconds"].shape == t["rank"].shape


def test_pandas_and_xarray(outputs):
    pd = pytest.importorskip("pandas")
    pi, nbody, polygons = (rankwise.load(p) for p in outputs)
    assert isinstance(pi["timings"], pd.DataFrame)
    assert {"rank", "phase", "seconds"} <= set(pi["timings"].columns)
    assert isinstance(polygons["polygons"], pd.DataFrame)
    assert polygons["polygons"].index.name == "record"
    assert polygons["polygons"].attrs["count"] == 10
    assert polygons["polygons"]["name"].map(type).eq(str).all()
    try:
        import xarray as xr
    except ImportError:
        assert isinstance(nbody["nbody"], dict)
        return
    ds = nbody["nbody"]
    assert isinstance(ds, xr.Dataset)
    assert ds["positions"].dims == ("frame", "particle", "xyz")
    assert ds.attrs["integrator"] == "leapfrog"
    assert np.array_equal(ds["positions"].sel(xyz="x").values, ds["positions"].values[..., 0])
