#!/usr/bin/python3
"""Per-call overhead of the rankwise Python package: tiny kernel calls from Python vs the same
calls from C++ (bench_python_call_overhead), and numba @njit functions of the same size.

    PYTHONPATH=build/python /usr/bin/python3 bench/python/call_overhead.py \
        build/bin/bench_python_call_overhead

Prints a Markdown table (ns per call, best of 5 repeats) for docs/performance.md.
"""
import subprocess
import sys
import timeit

import numpy as np

import rankwise


def best_ns(stmt, number=20000):
    stmt()  # warm up (numba compiles here)
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number * 1e9


def numba_functions():
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=False)
    def series(n):
        s = 0.0
        for i in range(1, n + 1):
            x = (i - 0.5) / n
            s += 1.0 / (1.0 + x * x)
        return 4.0 * s / n

    @numba.njit(cache=False)
    def accelerations(pos, m, G, eps):
        n = pos.shape[0]
        acc = np.zeros((n, 3))
        for i in range(n):
            for j in range(n):
                if i != j:
                    dx = pos[j, 0] - pos[i, 0]
                    dy = pos[j, 1] - pos[i, 1]
                    dz = pos[j, 2] - pos[i, 2]
                    r2 = dx * dx + dy * dy + dz * dz + eps * eps
                    f = G * m[j] / (r2 * np.sqrt(r2))
                    acc[i, 0] += f * dx
                    acc[i, 1] += f * dy
                    acc[i, 2] += f * dz
        return acc

    return series, accelerations


def main():
    cpp = {}
    if len(sys.argv) > 1:
        out = subprocess.run([sys.argv[1]], check=True, capture_output=True, text=True).stdout
        cpp = {name: float(ns) for name, ns in (line.split() for line in out.splitlines())}
    pos = np.random.default_rng(0).random((16, 3))
    m = np.ones(16)
    rows = [
        ("pi.series(16)", "pi_series_16", lambda: rankwise.pi.series(16, threads=1)),
        ("nbody.accelerations(16 bodies)", "nbody_accelerations_16",
         lambda: rankwise.nbody.accelerations(pos, m, threads=1)),
    ]
    nb = numba_functions()
    numba_calls = {}
    if nb is not None:
        series, accelerations = nb
        numba_calls = {"pi_series_16": lambda: series(16),
                       "nbody_accelerations_16": lambda: accelerations(pos, m, 1.0, 0.01)}
    print("| call | Python → rankwise | C++ → rankwise | overhead | numba @njit from Python |")
    print("|---|---|---|---|---|")
    for label, key, call in rows:
        py = best_ns(call)
        c = cpp.get(key)
        nbt = best_ns(numba_calls[key]) if key in numba_calls else None
        fmt = lambda v: "–" if v is None else f"{v / 1000:.2f} µs"
        over = None if c is None else py - c
        print(f"| `{label}` | {fmt(py)} | {fmt(c)} | {fmt(over)} | {fmt(nbt)} |")
    print(f"\nFor scale: calling an empty Python lambda costs {best_ns(lambda: None):.0f} ns.")


if __name__ == "__main__":
    main()
