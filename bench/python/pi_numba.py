"""What a Python user would write: the pi series and Monte Carlo pi with numba @njit, single
thread, timed after compilation (median of repeats). Run with /usr/bin/python3 (Debian numba)."""
import sys
import time

import numpy as np
from numba import njit


@njit(cache=False)
def series(n):
    h = 1.0 / n
    s = 0.0
    for i in range(1, n + 1):
        x = (i - 0.5) * h
        s += 1.0 / (1.0 + x * x)
    return 4.0 * s * h


@njit(cache=False)
def montecarlo(n, seed):
    np.random.seed(seed)
    hits = 0
    for _ in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n


def median_seconds(f, repeats=3):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return sorted(times)[len(times) // 2]


if __name__ == "__main__":
    n = int(float(sys.argv[1])) if len(sys.argv) > 1 else 200_000_000
    m = int(float(sys.argv[2])) if len(sys.argv) > 2 else 50_000_000
    series(10), montecarlo(10, 1)  # compile
    t = median_seconds(lambda: series(n))
    print(f"numba_series      N={n:.3g}  {n / t / 1e9:.3f} G terms/s  (estimate {series(n)!r})")
    t = median_seconds(lambda: montecarlo(m, 1))
    print(f"numba_montecarlo  N={m:.3g}  {m / t / 1e9:.3f} G samples/s")
