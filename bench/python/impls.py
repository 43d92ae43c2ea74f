"""The problems rankwise solves, written the ways a Python user would write them.

Each problem has the same variants, named as in the comparison table:
  python        pure Python loops (one core)
  numpy         numpy vectorisation (one core; chunked so memory stays bounded)
  numba         numba @njit (one core)
  numba-prange  numba @njit(parallel=True) with prange (NUMBA_NUM_THREADS threads)
  mp-pool       multiprocessing.Pool(P).map over chunks, numpy inside each worker
  mpi4py-numba  mpi4py ranks, numba @njit inside each rank (see mpi_worker.py)

Problems (the same inputs as rankwise):
  pi series     4/N sum_{i=1..N} 1/(1+((i-1/2)/N)^2)
  Monte Carlo   4 x fraction of uniform points in the unit quarter disc
  N-body RK2    direct summation, Plummer softening, midpoint Runge-Kutta (2 force passes/step)
  shoelace      planar areas of every record of a shapefile read with pyshp (holes subtracted)
"""
import math
import random

import numpy as np
from numba import njit, prange

CHUNK = 1 << 22


# ----------------------------------------------------------------------------- pi series
def series_python(n, lo=1, hi=None):
    hi = n if hi is None else hi
    h = 1.0 / n
    s = 0.0
    for i in range(lo, hi + 1):
        x = (i - 0.5) * h
        s += 1.0 / (1.0 + x * x)
    return s  # partial sum S; pi = 4 S / n


def series_numpy(n, lo=1, hi=None):
    hi = n if hi is None else hi
    h = 1.0 / n
    s = 0.0
    for a in range(lo, hi + 1, CHUNK):
        x = (np.arange(a, min(a + CHUNK, hi + 1), dtype=np.float64) - 0.5) * h
        s += float(np.sum(1.0 / (1.0 + x * x)))
    return s


@njit(cache=False)
def series_numba(n, lo, hi):
    h = 1.0 / n
    s = 0.0
    for i in range(lo, hi + 1):
        x = (i - 0.5) * h
        s += 1.0 / (1.0 + x * x)
    return s


@njit(parallel=True, cache=False)
def series_prange(n):
    h = 1.0 / n
    s = 0.0
    for i in prange(1, n + 1):
        x = (i - 0.5) * h
        s += 1.0 / (1.0 + x * x)
    return s


def _series_chunk(args):
    n, lo, hi = args
    return series_numpy(n, lo, hi)


def series_pool(pool, procs, n):
    step = -(-n // (procs * 8))
    tasks = [(n, a, min(a + step - 1, n)) for a in range(1, n + 1, step)]
    return sum(pool.map(_series_chunk, tasks))


# ----------------------------------------------------------------------------- Monte Carlo pi
def mc_python(n, seed):
    rnd = random.Random(seed)
    hits = 0
    for _ in range(n):
        x = rnd.random()
        y = rnd.random()
        if x * x + y * y < 1.0:
            hits += 1
    return hits


def mc_numpy(n, seed):
    rng = np.random.default_rng(seed)
    hits = 0
    for a in range(0, n, CHUNK):
        m = min(CHUNK, n - a)
        x = rng.random(m)
        y = rng.random(m)
        hits += int(np.count_nonzero(x * x + y * y < 1.0))
    return hits


@njit(cache=False)
def mc_numba(n, seed):
    np.random.seed(seed)
    hits = 0
    for _ in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return hits


@njit(parallel=True, cache=False)
def mc_prange(n, seed):
    np.random.seed(seed)  # numba: each thread has its own generator state
    hits = 0
    for _ in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return hits


def _mc_chunk(args):
    n, seed = args
    return mc_numpy(n, seed)


def mc_pool(pool, procs, n, seed):
    k = procs * 8
    tasks = [(n // k + (1 if j < n % k else 0), seed * 1000 + j) for j in range(k)]
    return sum(pool.map(_mc_chunk, tasks))


# ----------------------------------------------------------------------------- N-body RK2
EPS = 0.01


def nbody_initial(n, seed=42):
    rng = np.random.default_rng(seed)
    return rng.random((n, 3)), rng.random((n, 3)) - 0.5, np.full(n, 1.0 / n)


def acc_python(x, m):
    """x: list of [x, y, z]; m: list. The derivative loop a Python user writes first."""
    n = len(x)
    eps2 = EPS * EPS
    a = [[0.0, 0.0, 0.0] for _ in range(n)]
    for i in range(n):
        xi, yi, zi = x[i]
        ax = ay = az = 0.0
        for j in range(n):
            if j == i:
                continue
            dx = x[j][0] - xi
            dy = x[j][1] - yi
            dz = x[j][2] - zi
            r2 = dx * dx + dy * dy + dz * dz + eps2
            f = m[j] / (r2 * math.sqrt(r2))
            ax += f * dx
            ay += f * dy
            az += f * dz
        a[i] = [ax, ay, az]
    return a


def rk2_python(x, v, m, dt, steps):
    n = len(x)
    for _ in range(steps):
        a = acc_python(x, m)
        xh = [[x[i][k] + 0.5 * dt * v[i][k] for k in range(3)] for i in range(n)]
        vh = [[v[i][k] + 0.5 * dt * a[i][k] for k in range(3)] for i in range(n)]
        ah = acc_python(xh, m)
        x = [[x[i][k] + dt * vh[i][k] for k in range(3)] for i in range(n)]
        v = [[v[i][k] + dt * ah[i][k] for k in range(3)] for i in range(n)]
    return x, v


def acc_numpy(x, m, rows=None):
    """Accelerations of particles `rows` (default all) from all particles: (n_rows, N, 3) temporaries."""
    xr = x if rows is None else x[rows]
    out = np.empty_like(xr)
    block = max(1, (1 << 24) // (3 * len(x)))  # bound the (block, N, 3) temporary to ~400 MB
    for a in range(0, len(xr), block):
        d = x[None, :, :] - xr[a:a + block, None, :]
        r2 = np.einsum("ijk,ijk->ij", d, d) + EPS * EPS
        w = m[None, :] / (r2 * np.sqrt(r2))
        first = a if rows is None else rows.start + a
        for k in range(w.shape[0]):  # exclude j == i
            w[k, first + k] = 0.0
        out[a:a + block] = np.einsum("ij,ijk->ik", w, d)
    return out


def rk2_generic(acc, x, v, m, dt, steps):
    for _ in range(steps):
        a = acc(x, m)
        xh = x + 0.5 * dt * v
        vh = v + 0.5 * dt * a
        ah = acc(xh, m)
        x = x + dt * vh
        v = v + dt * ah
    return x, v


@njit(cache=False)
def acc_rows_numba(x, m, lo, hi, out):
    n = x.shape[0]
    eps2 = EPS * EPS
    for i in range(lo, hi):
        ax = ay = az = 0.0
        for j in range(n):
            if j == i:
                continue
            dx = x[j, 0] - x[i, 0]
            dy = x[j, 1] - x[i, 1]
            dz = x[j, 2] - x[i, 2]
            r2 = dx * dx + dy * dy + dz * dz + eps2
            f = m[j] / (r2 * np.sqrt(r2))
            ax += f * dx
            ay += f * dy
            az += f * dz
        out[i - lo, 0] = ax
        out[i - lo, 1] = ay
        out[i - lo, 2] = az


def acc_numba(x, m):
    out = np.empty_like(x)
    acc_rows_numba(x, m, 0, len(x), out)
    return out


@njit(parallel=True, cache=False)
def acc_prange(x, m):
    n = x.shape[0]
    eps2 = EPS * EPS
    out = np.empty_like(x)
    for i in prange(n):
        ax = ay = az = 0.0
        for j in range(n):
            if j == i:
                continue
            dx = x[j, 0] - x[i, 0]
            dy = x[j, 1] - x[i, 1]
            dz = x[j, 2] - x[i, 2]
            r2 = dx * dx + dy * dy + dz * dz + eps2
            f = m[j] / (r2 * np.sqrt(r2))
            ax += f * dx
            ay += f * dy
            az += f * dz
        out[i, 0] = ax
        out[i, 1] = ay
        out[i, 2] = az
    return out


def _acc_block(args):
    x, m, lo, hi = args
    return acc_numpy(x, m, slice(lo, hi))


def acc_pool(pool, procs):
    def acc(x, m):
        n = len(x)
        step = -(-n // procs)
        parts = pool.map(_acc_block, [(x, m, a, min(a + step, n)) for a in range(0, n, step)])
        return np.concatenate(parts)
    return acc


# ----------------------------------------------------------------------------- shoelace over a shapefile
def read_shapefile(path):
    """pyshp: a list of (points, parts) per record."""
    import shapefile  # Debian: python3-pyshp
    with shapefile.Reader(str(path)) as sf:
        return [(s.points, list(s.parts)) for s in sf.iterShapes()]


def flatten(records):
    """Flat x, y (float64), ring starts (int64, + end) and record -> first ring (int64, + end)."""
    xs, ys, ring, rec = [], [], [0], [0]
    for points, parts in records:
        bounds = list(parts) + [len(points)]
        for a, b in zip(bounds[:-1], bounds[1:]):
            for px, py in points[a:b]:
                xs.append(px)
                ys.append(py)
            ring.append(len(xs))
        rec.append(len(ring) - 1)
    return (np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64),
            np.array(ring, dtype=np.int64), np.array(rec, dtype=np.int64))


def shoelace_python(records):
    out = []
    for points, parts in records:
        bounds = list(parts) + [len(points)]
        total = 0.0
        for a, b in zip(bounds[:-1], bounds[1:]):
            x0, y0 = points[a]  # relative to the first vertex, as rankwise does
            s = 0.0
            for k in range(a, b - 1):
                xa, ya = points[k][0] - x0, points[k][1] - y0
                xb, yb = points[k + 1][0] - x0, points[k + 1][1] - y0
                s += xa * yb - xb * ya
            total += 0.5 * s
        out.append(abs(total))
    return out


def shoelace_numpy(x, y, ring, rec):
    start = ring[:-1]
    ring_id = np.repeat(np.arange(len(start)), np.diff(ring))
    xr = x - x[start][ring_id]
    yr = y - y[start][ring_id]
    cross = xr[:-1] * yr[1:] - xr[1:] * yr[:-1]
    cross = np.append(cross, 0.0)
    cross[ring[1:] - 1] = 0.0  # no edge from a ring's last vertex to the next ring's first
    ring_area = 0.5 * np.add.reduceat(cross, start) if len(start) else np.zeros(0)
    ring_area[np.diff(ring) == 0] = 0.0
    return np.abs(np.add.reduceat(ring_area, rec[:-1]))


@njit(cache=False)
def _records_numba(x, y, ring, rec, lo, hi, out):
    for r in range(lo, hi):
        total = 0.0
        for g in range(rec[r], rec[r + 1]):
            a, b = ring[g], ring[g + 1]
            if b - a < 2:
                continue
            x0, y0 = x[a], y[a]
            s = 0.0
            for k in range(a, b - 1):
                s += (x[k] - x0) * (y[k + 1] - y0) - (x[k + 1] - x0) * (y[k] - y0)
            total += 0.5 * s
        out[r - lo] = abs(total)


def shoelace_numba(x, y, ring, rec, lo=0, hi=None):
    hi = len(rec) - 1 if hi is None else hi
    out = np.empty(hi - lo)
    _records_numba(x, y, ring, rec, lo, hi, out)
    return out


@njit(parallel=True, cache=False)
def shoelace_prange(x, y, ring, rec):
    n = len(rec) - 1
    out = np.empty(n)
    for r in prange(n):
        total = 0.0
        for g in range(rec[r], rec[r + 1]):
            a, b = ring[g], ring[g + 1]
            if b - a < 2:
                continue
            x0, y0 = x[a], y[a]
            s = 0.0
            for k in range(a, b - 1):
                s += (x[k] - x0) * (y[k + 1] - y0) - (x[k + 1] - x0) * (y[k] - y0)
            total += 0.5 * s
        out[r] = abs(total)
    return out


def _shoelace_chunk(records):
    return shoelace_numpy(*flatten(records))


def shoelace_pool(pool, procs, records):
    step = -(-len(records) // (procs * 4))
    parts = pool.map(_shoelace_chunk, [records[a:a + step] for a in range(0, len(records), step)])
    return np.concatenate(parts)
