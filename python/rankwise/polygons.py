"""Geodesic (WGS84 or the .prj's ellipsoid) and planar areas of polygons.

Results are a pandas DataFrame when pandas is installed, else a dict of NumPy arrays, with
columns name, area_m2 (geodesic, m²), area_planar (shoelace, data units²), perimeter_m
(geodesic, m), vertices and parts; NaN where an area was not asked for.
"""
import os

import numpy as np

from . import _core
from ._mpi import handle

try:
    import pandas as _pd
except ImportError:  # the dict of arrays instead
    _pd = None


def _as_table(columns, as_frame):
    columns["name"] = np.array(columns["name"], dtype=object)
    want = ["name", "area_m2", "area_planar", "perimeter_m", "vertices", "parts"]
    columns = {k: columns[k] for k in want}
    use_pandas = _pd is not None if as_frame is None else as_frame
    if use_pandas:
        if _pd is None:
            raise ImportError("as_frame=True needs pandas")
        return _pd.DataFrame(columns)
    return columns


def areas(source, kind="geodesic", threads=None, as_frame=None, comm=None):
    """Areas of every polygon of `source`.

    source: a file path (a shapefile, or any format `rankwise polygons` reads through GDAL:
    GeoPackage, GeoJSON, ...; read, CRS and ellipsoid taken as the CLI does, so the areas are
    the CLI's bit for bit), or arrays in rankwise's flat layout: a
    mapping or tuple (x, y, ring_start[, record_start]) with vertex coordinates x, y
    (lon/lat degrees on WGS84 for geodesic areas), ring offsets into them (len rings + 1)
    and record offsets into the rings (len records + 1; default: one ring per record).
    Outer rings run clockwise, holes counter-clockwise (as in shapefiles).
    kind: "geodesic", "planar" or "both". as_frame: None = a DataFrame if pandas is present.
    comm: an mpi4py communicator; every rank of it must call with the same source. Each rank
    measures its block of records (a file is opened by every rank) and every rank gets the
    whole table, bit for bit the table of the call without comm. An error any rank meets is
    raised on every rank.
    """
    if isinstance(source, (str, os.PathLike)):
        columns = _core.polygons_areas_file(os.fspath(source), kind, threads, handle(comm))
        return _as_table(columns, as_frame)
    if isinstance(source, dict):
        parts = [source["x"], source["y"], source["ring_start"], source.get("record_start")]
    else:
        parts = list(source) + [None] * (4 - len(source))
        if len(parts) != 4:
            raise ValueError("source: (x, y, ring_start[, record_start])")
    x, y, ring_start, record_start = parts
    ring_start = np.asarray(ring_start, dtype=np.uint64)
    if record_start is None:
        record_start = np.arange(len(ring_start), dtype=np.uint64)
    columns = _core.polygons_areas_arrays(x, y, ring_start, record_start, kind, threads,
                                          handle(comm))
    return _as_table(columns, as_frame)
