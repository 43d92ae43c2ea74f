#!/usr/bin/python3
"""Reference for `rankwise polygons`: pyproj's Geod.polygon_area_perimeter over a shapefile.

Reads the .shp with numpy (no pyshp needed), then loops over records and rings the way a
geoscientist would, and reports vertices/s on one core with reading included, plus the total
area (clockwise rings positive, holes subtracted, each record taken positive) so the figure
can be checked against rankwise's /polygons/area_m2.

    /usr/bin/python3 bench/python/polygons_pyproj.py FILE.shp [--repeat 3] [--areas out.npy]
"""
import argparse
import struct
import sys
import time

import numpy as np
from pyproj import Geod


def read_polygons(path):
    """[(record, [(lons, lats), ...]), ...] for a polygon shapefile (types 5, 15, 25)."""
    data = open(path, "rb").read()
    code, = struct.unpack(">i", data[0:4])
    if code != 9994:
        raise SystemExit(f"{path}: not a shapefile")
    pos, records = 100, []
    while pos < len(data):
        _, words = struct.unpack(">ii", data[pos:pos + 8])
        body = pos + 8
        shape_type, = struct.unpack("<i", data[body:body + 4])
        rings = []
        if shape_type != 0:
            nparts, npoints = struct.unpack("<ii", data[body + 36:body + 44])
            starts = np.frombuffer(data, "<i4", nparts, body + 44)
            xy = np.frombuffer(data, "<f8", 2 * npoints, body + 44 + 4 * nparts).reshape(-1, 2)
            ends = list(starts[1:]) + [npoints]
            rings = [(xy[s:e, 0], xy[s:e, 1]) for s, e in zip(starts, ends)]
        records.append(rings)
        pos = body + 2 * words
    return records


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("shp")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--areas", help="save per-record areas (m²) as .npy")
    a = ap.parse_args()
    geod = Geod(ellps="WGS84")
    best = None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        records = read_polygons(a.shp)
        areas = np.empty(len(records))
        vertices = 0
        for i, rings in enumerate(records):
            total = 0.0
            for lons, lats in rings:
                area, _ = geod.polygon_area_perimeter(lons, lats)
                total -= area  # pyproj: counter-clockwise positive; shapefile outer rings: clockwise
                vertices += len(lons)
            areas[i] = abs(total)
        seconds = time.perf_counter() - t0
        best = seconds if best is None else min(best, seconds)
    print(f"pyproj {__import__('pyproj').__version__}: {len(records)} records, {vertices} vertices, "
          f"best of {a.repeat}: {best:.3f} s = {vertices / best / 1e6:.3f} M vertices/s (one core, "
          f"reading included); total area {areas.sum():.17g} m²")
    if a.areas:
        np.save(a.areas, areas)


if __name__ == "__main__":
    sys.exit(main())
