"""rankwise.nbody: the kernel against a direct NumPy sum, the Simulation against `rankwise nbody`."""
import numpy as np
import pytest

import rankwise


def direct(pos, m, G, eps):
    d = pos[None, :, :] - pos[:, None, :]             # x_j - x_i
    r2 = (d**2).sum(-1) + eps**2
    np.fill_diagonal(r2, np.inf)
    acc = G * (m[None, :, None] * d / r2[..., None] ** 1.5).sum(1)
    phi = -G * (m[None, :] / np.sqrt(r2)).sum(1)
    return acc, phi


@pytest.mark.parametrize("n,eps", [(1, 0.01), (2, 0.0), (37, 0.01), (100, 0.05)])
def test_accelerations_match_a_direct_sum(n, eps):
    rng = np.random.default_rng(n)
    pos, m = rng.random((n, 3)), rng.random(n) + 0.1
    want_acc, want_phi = direct(pos, m, 0.7, eps)
    acc = rankwise.nbody.accelerations(pos, m, G=0.7, softening=eps, threads=2)
    assert acc.shape == (n, 3)
    scale = np.abs(want_acc).max() + 1e-300
    assert np.abs(acc - want_acc).max() <= 1e-13 * scale
    acc2, phi = rankwise.nbody.potentials(pos, m, G=0.7, softening=eps)
    assert np.array_equal(acc, acc2)  # threads do not change the bits
    assert np.allclose(phi, want_phi, rtol=1e-13, atol=0)
    assert rankwise.nbody.potential_energy(pos, m, G=0.7, softening=eps) == pytest.approx(
        0.5 * (m * want_phi).sum(), rel=1e-13)


def test_accelerations_take_other_layouts():
    rng = np.random.default_rng(1)
    pos, m = rng.random((10, 3)), np.ones(10)
    want = rankwise.nbody.accelerations(pos, m)
    assert np.array_equal(rankwise.nbody.accelerations(np.asfortranarray(pos), m), want)
    assert np.array_equal(rankwise.nbody.accelerations(pos.astype(np.float32).astype(float), m),
                          rankwise.nbody.accelerations(pos.astype(np.float32), m))
    with pytest.raises(ValueError):
        rankwise.nbody.accelerations(pos[:, :2], m)
    with pytest.raises(ValueError):
        rankwise.nbody.accelerations(pos, m[:-1])


@pytest.mark.parametrize("integrator", ["rk2", "leapfrog", "rk4"])
def test_simulation_reproduces_the_cli(run_cli, integrator):
    f = run_cli("nbody", "--particles", "20", "--integrator", integrator, "--steps", "100",
                "--dt", "1e-3", "--snapshot-every", "100")
    sim = rankwise.nbody.Simulation.plummer(20, seed=42, integrator=integrator, threads=2)
    sim.run(steps=100, dt=1e-3)
    assert np.array_equal(sim.positions, f["nbody/positions"][-1])
    assert np.array_equal(sim.velocities, f["nbody/velocities"][-1])
    d = sim.diagnostics()
    assert d["total"] == f["nbody/energy"][-1]
    assert d["potential"] == f["nbody/potential_energy"][-1]
    assert sim.step == 100 and sim.integrator == integrator


def test_simulation_from_arrays_equals_generated_ics():
    ic = rankwise.nbody.uniform_cube(16, seed=3)
    a = rankwise.nbody.Simulation(ic["positions"], ic["velocities"], ic["masses"],
                                  integrator="rk4")
    b = rankwise.nbody.Simulation.uniform_cube(16, seed=3, integrator="rk4")
    a.run(10, 1e-3)
    b.run(10, 1e-3)
    assert np.array_equal(a.positions, b.positions)
    with pytest.raises(ValueError):
        rankwise.nbody.Simulation(ic["positions"], ic["velocities"], ic["masses"],
                                  integrator="euler")
