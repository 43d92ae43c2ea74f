// Leapfrog (kick-drift-kick), midpoint RK2 and classic RK4 on structure-of-arrays state.
// -ffp-contract=off keeps each a + h*b as a multiply then an add, so the bits are the ones
// written here on every compiler and in every test that recomputes them.
#include "rankwise/nbody/integrators.hpp"

#include <cstddef>

namespace rankwise::nbody {

void Vec3s::resize(std::size_t n) {
  x.resize(n);
  y.resize(n);
  z.resize(n);
}

std::vector<double> Vec3s::interleaved() const {
  std::vector<double> out(3 * size());
  for (std::size_t i = 0; i < size(); ++i) {
    out[3 * i] = x[i];
    out[3 * i + 1] = y[i];
    out[3 * i + 2] = z[i];
  }
  return out;
}

Vec3s Vec3s::from_interleaved(const std::vector<double>& rows) {
  Vec3s out;
  out.resize(rows.size() / 3);
  for (std::size_t i = 0; i < out.size(); ++i) {
    out.x[i] = rows[3 * i];
    out.y[i] = rows[3 * i + 1];
    out.z[i] = rows[3 * i + 2];
  }
  return out;
}

namespace {

// out = a + h * b, component-wise.
void axpy(Vec3s& out, const Vec3s& a, double h, const Vec3s& b) {
  const std::size_t n = a.size();
  out.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    out.x[i] = a.x[i] + h * b.x[i];
    out.y[i] = a.y[i] + h * b.y[i];
    out.z[i] = a.z[i] + h * b.z[i];
  }
}

// a += h * b, component-wise.
void add_scaled(Vec3s& a, double h, const Vec3s& b) { axpy(a, a, h, b); }

// a += h/6 * (k1 + 2 k2 + 2 k3 + k4), component-wise.
void rk4_update(std::vector<double>& a, double h, const std::vector<double>& k1,
                const std::vector<double>& k2, const std::vector<double>& k3,
                const std::vector<double>& k4) {
  const double sixth = h / 6.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = a[i] + sixth * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
  }
}

double* phi_of(State& s, bool want) {
  if (!want) return nullptr;
  s.phi.resize(s.pos.size());
  return s.phi.data();
}

int leapfrog(State& s, double dt, const ForceFn& force, bool want_potential) {
  int evaluations = prepare(s, force, false);
  const double half = 0.5 * dt;
  add_scaled(s.vel, half, s.acc);  // kick
  add_scaled(s.pos, dt, s.vel);    // drift
  force(s.pos, s.acc, phi_of(s, want_potential));
  ++evaluations;
  s.phi_valid = want_potential;
  add_scaled(s.vel, half, s.acc);  // kick
  return evaluations;
}

int rk2(State& s, double dt, const ForceFn& force) {
  const double half = 0.5 * dt;
  Vec3s a1, xm, vm, a2;
  force(s.pos, a1, nullptr);
  axpy(xm, s.pos, half, s.vel);
  axpy(vm, s.vel, half, a1);
  force(xm, a2, nullptr);
  add_scaled(s.pos, dt, vm);
  add_scaled(s.vel, dt, a2);
  return 2;
}

int rk4(State& s, double dt, const ForceFn& force) {
  const double half = 0.5 * dt;
  Vec3s a1, a2, a3, a4, x2, v2, x3, v3, x4, v4;
  force(s.pos, a1, nullptr);
  axpy(x2, s.pos, half, s.vel);
  axpy(v2, s.vel, half, a1);
  force(x2, a2, nullptr);
  axpy(x3, s.pos, half, v2);
  axpy(v3, s.vel, half, a2);
  force(x3, a3, nullptr);
  axpy(x4, s.pos, dt, v3);
  axpy(v4, s.vel, dt, a3);
  force(x4, a4, nullptr);
  // dx/dt = v: the stage velocities are the k's of the positions.
  rk4_update(s.pos.x, dt, s.vel.x, v2.x, v3.x, v4.x);
  rk4_update(s.pos.y, dt, s.vel.y, v2.y, v3.y, v4.y);
  rk4_update(s.pos.z, dt, s.vel.z, v2.z, v3.z, v4.z);
  rk4_update(s.vel.x, dt, a1.x, a2.x, a3.x, a4.x);
  rk4_update(s.vel.y, dt, a1.y, a2.y, a3.y, a4.y);
  rk4_update(s.vel.z, dt, a1.z, a2.z, a3.z, a4.z);
  return 4;
}

}  // namespace

int prepare(State& s, const ForceFn& force, bool want_potential) {
  if (s.acc_valid && (s.phi_valid || !want_potential)) return 0;
  force(s.pos, s.acc, phi_of(s, want_potential));
  s.acc_valid = true;
  s.phi_valid = want_potential;
  return 1;
}

int step(Integrator integrator, State& s, double dt, const ForceFn& force, bool want_potential) {
  s.phi_valid = false;
  switch (integrator) {
    case Integrator::leapfrog: return leapfrog(s, dt, force, want_potential);
    case Integrator::rk2: s.acc_valid = false; return rk2(s, dt, force);
    case Integrator::rk4: s.acc_valid = false; return rk4(s, dt, force);
    case Integrator::hermite: break;  // block steps: see hermite.hpp
  }
  return 0;
}

}  // namespace rankwise::nbody
