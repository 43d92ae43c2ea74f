"""Seed corpora for the fuzz harnesses, generated (nothing binary is committed).

usage: /usr/bin/python3 make_seeds.py OUTDIR   -> OUTDIR/shapefile/*, OUTDIR/nbody_hdf5/*
Shapefile seeds use the container of fuzz_shapefile.cpp: u32 LE .shp length, u32 LE .shx
length, .shp, .shx, then the .dbf. HDF5 seeds are valid and slightly wrong IC files and
checkpoints (needs h5py: Debian python3-h5py)."""
import struct
import sys
from pathlib import Path

import h5py
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "support"))
from shapefile_bytes import shapefile_bytes  # noqa: E402


def shapefile(records, shape_type=5, names=None, code_page=0x57):
    """One seed in fuzz_shapefile.cpp's container."""
    names = names if names is not None else [f"p{i}".encode() for i in range(len(records))]
    shp, shx, dbf = shapefile_bytes(records, shape_type, names, language_driver=code_page,
                                    box=(-180, -90, 180, 90))
    return struct.pack("<2I", len(shp), len(shx)) + shp + shx + dbf


def square(x, y, s=1.0):
    return [(x, y), (x, y + s), (x + s, y + s), (x + s, y), (x, y)]


def write_shapefile_seeds(d):
    d.mkdir(parents=True, exist_ok=True)
    seeds = {
        "one_square": shapefile([[square(0, 0)]]),
        "two_records": shapefile([[square(0, 0)], [square(2, 2, 0.5)]]),
        "hole": shapefile([[square(0, 0, 4), square(1, 1, 1)[::-1]]]),
        "polygon_z": shapefile([[square(10, 10)]], shape_type=15),
        "polygon_m": shapefile([[square(-10, 5)]], shape_type=25),
        "latin1_names": shapefile([[square(0, 0)], [square(1, 1)]],
                                  names=["Côte".encode("latin-1"), b"S\xe3o"], code_page=0x57),
        "empty_record_set": shapefile([]),
        "many_vertices": shapefile([[[(np.cos(t), np.sin(t)) for t in np.linspace(0, 2 * np.pi, 200)]]]),
    }
    for name, data in seeds.items():
        (d / name).write_bytes(data)


def write_h5_seeds(d):
    d.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    n = 4

    def ic(name, pos, vel, mass):
        with h5py.File(d / name, "w") as f:
            f["positions"], f["velocities"], f["masses"] = pos, vel, mass

    ic("ic_good.h5", rng.random((n, 3)), rng.random((n, 3)), np.ones(n))
    ic("ic_float32.h5", rng.random((n, 3)).astype(np.float32), np.zeros((n, 3)), np.ones(n))
    ic("ic_bad_shape.h5", rng.random((n, 2)), rng.random((n, 3)), np.ones(n))
    ic("ic_int.h5", np.zeros((n, 3), dtype=np.int32), np.zeros((n, 3)), np.ones(n))
    with h5py.File(d / "ic_chunked.h5", "w") as f:
        f.create_dataset("positions", data=rng.random((n, 3)), chunks=(2, 3), compression="gzip")
        f.create_dataset("velocities", data=rng.random((n, 3)), chunks=(2, 3))
        f.create_dataset("masses", data=np.ones(n), chunks=(2,))

    def checkpoint(name, acc=True, **override):
        attrs = {"format": "rankwise-nbody-checkpoint 1", "step": 3, "dt": 1e-3,
                 "integrator": "leapfrog", "G": 1.0, "softening": 0.01,
                 "force_evaluations": 4, "particles": n}
        attrs.update(override)
        with h5py.File(d / name, "w") as f:
            for k, v in attrs.items():
                f.attrs[k] = np.int64(v) if isinstance(v, int) else v
            f["positions"] = rng.random((n, 3))
            f["velocities"] = rng.random((n, 3))
            f["masses"] = np.ones(n)
            if acc:
                f["accelerations"] = rng.random((n, 3))

    checkpoint("ck_good.h5")
    checkpoint("ck_rk4.h5", acc=False, integrator="rk4")
    checkpoint("ck_bad_particles.h5", particles=n + 1)
    checkpoint("ck_negative_step.h5", step=-1)


def main():
    out = Path(sys.argv[1])
    write_shapefile_seeds(out / "shapefile")
    write_h5_seeds(out / "nbody_hdf5")
    print(f"seeds: {len(list((out / 'shapefile').iterdir()))} shapefile, "
          f"{len(list((out / 'nbody_hdf5').iterdir()))} HDF5 in {out}")


if __name__ == "__main__":
    main()
