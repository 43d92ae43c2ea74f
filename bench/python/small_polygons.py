#!/usr/bin/python3
"""A benchmark set for `rankwise polygons` with no shared edges: N small random quadrilaterals
(4 corners + the closing vertex) scattered over the globe, written as a shapefile (.shp/.shx/
.dbf/.prj) in bulk with numpy (the ESRI layout: every record one part of 5 points).

    /usr/bin/python3 bench/python/small_polygons.py OUT.shp [--count 500000] [--seed 1]
"""
import argparse
import struct
from pathlib import Path

import numpy as np

WGS84 = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],'
         'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')
POINTS = 5
CONTENT = 4 + 32 + 4 + 4 + 4 + 16 * POINTS  # bytes of one record's content


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=500_000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    n = a.count
    rng = np.random.default_rng(a.seed)
    lon = rng.uniform(-179, 179, n)
    lat = np.degrees(np.arcsin(rng.uniform(-0.99, 0.99, n)))  # uniform on the sphere
    s = rng.uniform(0.001, 0.05, (n, 4))
    x = np.stack([lon, lon - 0.2 * s[:, 0], lon + s[:, 2], lon + s[:, 0], lon], axis=1)  # clockwise
    y = np.stack([lat, lat + s[:, 1], lat + s[:, 3], lat - 0.1 * s[:, 2], lat], axis=1)
    rec = np.zeros(n, dtype=np.dtype([
        ("number", ">i4"), ("length", ">i4"), ("type", "<i4"), ("box", "<f8", 4),
        ("parts", "<i4"), ("points", "<i4"), ("start", "<i4"), ("xy", "<f8", (POINTS, 2))]))
    rec["number"] = np.arange(1, n + 1)
    rec["length"] = CONTENT // 2
    rec["type"] = 5
    rec["box"] = np.stack([x.min(1), y.min(1), x.max(1), y.max(1)], axis=1)
    rec["parts"], rec["points"], rec["start"] = 1, POINTS, 0
    rec["xy"] = np.stack([x, y], axis=2)
    box = (x.min(), y.min(), x.max(), y.max())

    def header(total_bytes):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, total_bytes // 2) +
                struct.pack("<2i", 1000, 5) + struct.pack("<8d", *box, 0, 0, 0, 0))

    base = Path(a.out).with_suffix("")
    shp_bytes = 100 + n * (8 + CONTENT)
    base.with_suffix(".shp").write_bytes(header(shp_bytes) + rec.tobytes())
    idx = np.zeros(n, dtype=[("offset", ">i4"), ("length", ">i4")])
    idx["offset"] = (100 + np.arange(n) * (8 + CONTENT)) // 2
    idx["length"] = CONTENT // 2
    base.with_suffix(".shx").write_bytes(header(100 + 8 * n) + idx.tobytes())
    # .dbf: one character field NAME (12 bytes)
    width = 12
    names = np.array([f"q{i}".ljust(width).encode() for i in range(n)], dtype=f"S{width}")
    dbf_header = struct.pack("<4BIHH20x", 3, 126, 11, 28, n, 32 + 32 + 1, 1 + width)
    field = struct.pack("<11sc4xBB14x", b"NAME", b"C", width, 0)
    rows = np.zeros(n, dtype=[("flag", "S1"), ("name", f"S{width}")])
    rows["flag"] = b" "
    rows["name"] = names
    base.with_suffix(".dbf").write_bytes(dbf_header + field + b"\r" + rows.tobytes() + b"\x1a")
    base.with_suffix(".prj").write_text(WGS84)
    print(f"{a.out}: {n} polygons, {POINTS * n} vertices")


if __name__ == "__main__":
    main()
