"""Direct-summation softened gravity and the CLI's integrators on NumPy arrays.

Positions and velocities are (N, 3) float64 arrays, masses (N,); G and the Plummer softening
length as in `rankwise nbody` (defaults G = 1, softening = 0.01). Arrays of another dtype or
layout are converted once.

comm: accelerations, potentials, diagnostics and potential_energy accept an mpi4py
communicator. Every rank of it must call with the same arrays; each rank computes the
targets of its block (as `rankwise nbody` splits particles over ranks) and every rank gets
the whole result, bit for bit the result of the call without comm.
"""
from . import _core
from ._mpi import handle

Simulation = _core.Simulation
Simulation.__doc__ = """Particles advanced by the CLI's integrators (leapfrog, rk2, rk4).

    sim = rankwise.nbody.Simulation.plummer(20, seed=42, integrator="rk2")
    sim.run(steps=100, dt=1e-3)
    sim.positions, sim.diagnostics()["total"]

Simulation(positions, velocities, masses, G=1, softening=0.01, integrator="leapfrog",
threads=None); or Simulation.plummer(n, ...) / Simulation.uniform_cube(n, ...) with the
initial conditions of `rankwise nbody --ic plummer|uniform --particles n --seed S` (the same
bits: a run on one rank reproduces the CLI's positions exactly).
"""


def accelerations(positions, masses, G=1.0, softening=0.01, threads=None, comm=None):
    """(N, 3) accelerations a_i = G sum_{j != i} m_j (x_j - x_i) / (r^2 + eps^2)^1.5.

    The result is a view of a (3, N) block the kernel fills (Fortran order, no copy).
    comm: an mpi4py communicator; every rank of it must call (see the module's doc).
    """
    return _core.nbody_accelerations(positions, masses, G, softening, threads, False, handle(comm))


def potentials(positions, masses, G=1.0, softening=0.01, threads=None, comm=None):
    """(accelerations (N, 3), potential per unit mass phi (N,)): phi_i = -G sum m_j / sqrt(r^2 + eps^2)."""
    return _core.nbody_accelerations(positions, masses, G, softening, threads, True, handle(comm))


def diagnostics(positions, velocities, masses, G=1.0, softening=0.01, threads=None, comm=None):
    """kinetic, potential, total energy, momentum and centre_of_mass (as /nbody records them).

    comm: the potentials are rank-decomposed; the sums run on every rank in particle order.
    """
    return _core.nbody_diagnostics(positions, velocities, masses, G, softening, threads,
                                   handle(comm))


def potential_energy(positions, masses, G=1.0, softening=0.01, threads=None, comm=None):
    """1/2 sum_i m_i phi_i, softened like the force (the CLI's potential_energy)."""
    import numpy as np

    velocities = np.zeros((len(masses), 3))
    return diagnostics(positions, velocities, masses, G, softening, threads, comm)["potential"]


def plummer(n, seed=42, G=1.0):
    """Plummer sphere (Henon units): dict of positions, velocities, masses (`--ic plummer`)."""
    return _core.nbody_plummer(int(n), int(seed), G)


def uniform_cube(n, seed=42):
    """Unit masses uniform in the unit cube: dict of positions, velocities, masses (`--ic uniform`)."""
    return _core.nbody_uniform_cube(int(n), int(seed))
