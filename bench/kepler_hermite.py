#!/usr/bin/python3
"""Kepler orbits e = 0.5 and 0.99, 100 periods: force calculations Hermite block steps need for
a largest energy error below 1e-9, against fixed-step leapfrog reaching the same error.

Usage: /usr/bin/python3 bench/kepler_hermite.py [path/to/rankwise]   (default build/bin/rankwise)

Energy error: the largest |E/E0 - 1| over 16 frames per period (frame 8 of each period is the
pericentre). Leapfrog's error is bounded and periodic (symplectic), so 10 periods show it; its
force calculations are counted for 100 periods (2 per step). When leapfrog would need more
than ~10^8 steps to reach the Hermite error, the step it needs is extrapolated from its
measured dt^2 scaling (printed as such)."""
import math
import subprocess
import sys
import tempfile
from pathlib import Path

import h5py
import numpy as np

RANKWISE = sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).resolve().parents[1] / "build/bin/rankwise")
G = 4 * math.pi ** 2


def ic(path, e):
    r, v = 1 + e, math.sqrt(G * (1 - e) / (1 + e))
    with h5py.File(path, "w") as f:
        f["positions"] = np.array([[0.5 * r, 0, 0], [-0.5 * r, 0, 0]])
        f["velocities"] = np.array([[0, 0.5 * v, 0], [0, -0.5 * v, 0]])
        f["masses"] = np.array([0.5, 0.5])


def run(args, out):
    cmd = [RANKWISE, "nbody", "--G", G, "--softening", 0, "-q", "--overwrite", "-o", out] + args
    subprocess.run([str(a) for a in cmd], check=True)
    with h5py.File(out) as f:
        e = f["nbody/energy"][()]
        return float(np.max(np.abs(e / e[0] - 1))), dict(f["nbody"].attrs)


def main():
    d = Path(tempfile.mkdtemp())
    print("| e | Hermite η | Hermite force calculations | max \\|ΔE/E\\| | leapfrog dt for that error | leapfrog force calculations | ratio |")
    print("|---|---|---|---|---|---|---|")
    for e, eta in [(0.5, 1e-4), (0.99, 2.5e-5)]:
        ic(d / "ic.h5", e)
        herr, attrs = run(["--ic", d / "ic.h5", "--integrator", "hermite", "--eta", eta,
                           "--t-end", 100, "--snapshot-dt", 1 / 16], d / "h.h5")
        hcalc = int(attrs["particle_steps"])
        measured = []
        k = 12
        while True:
            dt = 2.0 ** -k
            if 10 / dt > 2e7:
                break
            lerr, _ = run(["--ic", d / "ic.h5", "--dt", dt, "--steps", int(10 / dt),
                           "--snapshot-every", int(1 / 16 / dt)], d / "l.h5")
            measured.append((dt, lerr))
            print(f"  e={e}: leapfrog dt=2^-{k}: max |dE/E| {lerr:.3e}", file=sys.stderr)
            if lerr <= herr:
                break
            k += 1
        dt, lerr = measured[-1]
        if lerr <= herr:
            need, how = dt, "measured"
        else:  # error ~ dt^2 from the last two points
            (d1, e1), (d2, e2) = measured[-2], measured[-1]
            p = math.log(e1 / e2) / math.log(d1 / d2)
            need, how = d2 * (herr / e2) ** (1 / p), f"extrapolated (error ∝ dt^{p:.2f})"
        lcalc = 2 * 100 / need
        print(f"| {e} | {eta:g} | {hcalc:,} | {herr:.2e} | {need:.3g} ({how}) | {lcalc:.3g} | {lcalc / hcalc:.0f}× |")


if __name__ == "__main__":
    main()
