"""rankwise.load: any rankwise output file (pi, nbody, polygons) as Python objects, by h5py."""
import numpy as np

try:
    import pandas as _pd
except ImportError:
    _pd = None
try:
    import xarray as _xr
except ImportError:
    _xr = None


def _text(value):
    """HDF5 strings as str (they come back as bytes), recursively through arrays."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, np.ndarray) and value.dtype.kind in "OS":
        return np.array([_text(v) for v in value.ravel()], dtype=object).reshape(value.shape)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _attrs(obj):
    skip = {"DIMENSION_LIST", "REFERENCE_LIST", "CLASS", "NAME"}  # dimension-scale bookkeeping
    return {k: _text(v) for k, v in obj.attrs.items() if k not in skip}


def _dims(dataset):
    """Names of the dimension scales attached to each axis (rankwise attaches them all)."""
    if dataset.ndim == 1 and _text(dataset.attrs.get("CLASS")) == "DIMENSION_SCALE":
        return [dataset.name.rsplit("/", 1)[-1]]  # a scale is its own dimension
    names = []
    for axis, dim in enumerate(dataset.dims):
        scales = list(dim.values())
        names.append(scales[0].name.rsplit("/", 1)[-1] if scales else f"dim_{axis}")
    return names


def _group(group):
    """{name: (dims, values)} of a group's datasets, and its attributes."""
    variables = {}
    for name, item in group.items():
        if hasattr(item, "shape"):
            variables[name] = (_dims(item) if item.ndim else [], _text(item[()]))
    return variables, _attrs(group)


def _as_xarray(variables, attrs):
    coords = {n: v for n, (d, v) in variables.items() if d == [n]}
    data = {n: (d, v) for n, (d, v) in variables.items() if n not in coords}
    return _xr.Dataset(data, coords=coords, attrs=attrs)


def _as_dict(variables, attrs):
    out = {n: v for n, (_, v) in variables.items()}
    out["attrs"] = attrs
    return out


def _timings(group, use_pandas):
    """One row per (rank, phase): rank, host, threads, phase, seconds."""
    seconds = group["seconds"][()]
    phases = [_text(p) for p in group["phase"][()]]
    ranks = group["rank"][()]
    hosts = [_text(h) for h in group["hosts"][()]] if "hosts" in group else [""] * len(ranks)
    threads = group["threads"][()] if "threads" in group else np.zeros(len(ranks), dtype=int)
    columns = {
        "rank": np.repeat(ranks, len(phases)),
        "host": np.repeat(np.array(hosts, dtype=object), len(phases)),
        "threads": np.repeat(threads, len(phases)),
        "phase": np.tile(np.array(phases, dtype=object), len(ranks)),
        "seconds": seconds.reshape(-1),
    }
    return _pd.DataFrame(columns) if use_pandas else columns


def _table_or_dataset(name, variables, attrs, use_pandas, use_xarray):
    """Groups of per-record columns (pi's per-rank partials, polygons) become DataFrames;
    groups with more dimensions (nbody's frames x particles x xyz) xarray Datasets."""
    dims = {tuple(d) for d, _ in variables.values() if d}
    one_dim = len(dims) == 1 and len(next(iter(dims))) == 1
    if one_dim and use_pandas and not (use_xarray and name == "nbody"):
        index = next(iter(dims))[0]
        frame = _pd.DataFrame({n: v for n, (d, v) in variables.items() if d and n != index},
                              index=_pd.Index(variables[index][1], name=index)
                              if index in variables else None)
        frame.attrs = attrs
        return frame
    if use_xarray:
        return _as_xarray(variables, attrs)
    return _as_dict(variables, attrs)


def load(path, pandas=None, xarray=None):
    """Read a rankwise output file.

    Returns a dict: "provenance" (the root attributes: version, command line, ranks, ...),
    "timings" (one row per rank and phase) and one entry per driver group ("pi", "nbody",
    "polygons"). A group of per-record columns is a pandas DataFrame (attributes in .attrs),
    a group with more dimensions an xarray Dataset; without pandas / xarray (or with
    pandas=False / xarray=False) each is a dict of NumPy arrays plus "attrs". Strings are str.
    """
    import h5py

    use_pandas = (_pd is not None) if pandas is None else bool(pandas)
    use_xarray = (_xr is not None) if xarray is None else bool(xarray)
    if use_pandas and _pd is None:
        raise ImportError("pandas=True: pandas is not installed")
    if use_xarray and _xr is None:
        raise ImportError("xarray=True: xarray is not installed")
    out = {}
    with h5py.File(path, "r") as f:
        out["provenance"] = _attrs(f)
        for name, item in f.items():
            if not hasattr(item, "keys"):
                out[name] = _text(item[()])
            elif name == "timings" and {"seconds", "phase", "rank"} <= set(item.keys()):
                out[name] = _timings(item, use_pandas)
            else:
                variables, attrs = _group(item)
                out[name] = _table_or_dataset(name, variables, attrs, use_pandas, use_xarray)
    return out

