"""A minimal pure-Python shapefile encoder for the tests and the fuzz seeds (no data files are
committed): written from the ESRI Shapefile Technical Description, independent of rankwise's
reader and of shapelib."""
import struct


def shapefile_bytes(records, shape_type=5, names=None, encoding="utf-8", language_driver=0,
                    box=None):
    """records: one list of rings per record, each ring a list of (x, y); shape_type 5 (Polygon),
    15 (PolygonZ: z = vertex index, m = half of it), 25 (PolygonM: m = vertex index), or any
    other number written as is (records laid out as Polygon; for bad-input tests).
    names: str (encoded with `encoding`) or bytes, default "polygon <i>"; language_driver: the
    .dbf code page byte (0: none). box: the header's bounding box, default the data's.
    Returns (shp, shx, dbf) as bytes."""
    bodies, all_x, all_y = [], [], []
    for rings in records:
        pts = [p for r in rings for p in r]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        all_x += xs
        all_y += ys
        starts, n = [], 0
        for r in rings:
            starts.append(n)
            n += len(r)
        body = struct.pack("<i4d2i", shape_type, min(xs), min(ys), max(xs), max(ys), len(rings), n)
        body += struct.pack(f"<{len(starts)}i", *starts)
        body += b"".join(struct.pack("<2d", x, y) for x, y in pts)
        extra = {15: [[float(i) for i in range(n)], [0.5 * i for i in range(n)]],
                 25: [[float(i) for i in range(n)]]}.get(shape_type, [])  # Z and/or M: range + values
        for values in extra:
            body += struct.pack(f"<{2 + n}d", min(values, default=0), max(values, default=0), *values)
        bodies.append(body)
    if box is None:
        box = (min(all_x, default=0), min(all_y, default=0), max(all_x, default=0), max(all_y, default=0))

    def header(length_bytes):
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length_bytes // 2) +
                struct.pack("<2i", 1000, shape_type) + struct.pack("<8d", *box, 0, 0, 0, 0))

    shp, shx, offset = b"", b"", 100
    for i, body in enumerate(bodies):
        shp += struct.pack(">2i", i + 1, len(body) // 2) + body
        shx += struct.pack(">2i", offset // 2, len(body) // 2)
        offset += 8 + len(body)
    names = names if names is not None else [f"polygon {i}" for i in range(len(records))]
    encoded = [n if isinstance(n, bytes) else n.encode(encoding) for n in names]
    width = max([len(e) for e in encoded] + [1])
    dbf = struct.pack("<4BIHH17xB2x", 3, 124, 1, 1, len(records), 32 + 32 + 1, 1 + width,
                      language_driver)
    dbf += struct.pack("<11sc4xBB14x", b"NAME", b"C", width, 0) + b"\r"
    dbf += b"".join(b" " + e.ljust(width, b" ") for e in encoded) + b"\x1a"
    return header(100 + len(shp)) + shp, header(100 + len(shx)) + shx, dbf
