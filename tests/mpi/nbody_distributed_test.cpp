// DistributedGravity + integrators over the ranks of this run, against the same steps done
// serially on every rank: bitwise equal positions, velocities and diagnostics for any rank
// count (1-4 via CTest) and 1-2 threads, including N not divisible by the ranks and more
// ranks than particles; and a checkpoint written in parallel reads back exactly.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/nbody/distributed_gravity.hpp"
#include "rankwise/nbody/distributed_jerks.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/integrators.hpp"
#include "rankwise/parallel/comm.hpp"

using namespace rankwise;
using namespace rankwise::nbody;

namespace {

State rows_of(const Bodies& b, parallel::BlockRange own) {
  const Bodies r = b.rows(own.begin, own.end);
  State s;
  s.pos = {r.x, r.y, r.z};
  s.vel = {r.vx, r.vy, r.vz};
  return s;
}

// Run `steps` steps; return all N positions+velocities (interleaved) and final diagnostics.
std::pair<std::vector<double>, Diagnostics> simulate(const Bodies& b, Integrator integrator,
                                                     int threads, const parallel::Comm& comm) {
  timing::PhaseTimer timer;
  DistributedGravity gravity(comm, b.m, Gravity{1.0, 0.02}, threads, timer);
  State s = rows_of(b, gravity.own());
  for (int n = 0; n < 5; ++n) step(integrator, s, 1e-3, gravity.callback(), n == 4);
  prepare(s, gravity.callback(), true);
  const Diagnostics d = gravity.diagnostics(s);
  std::vector<double> local;
  for (std::size_t i = 0; i < s.pos.size(); ++i) {
    for (double v : {s.pos.x[i], s.pos.y[i], s.pos.z[i], s.vel.x[i], s.vel.y[i], s.vel.z[i]}) {
      local.push_back(v);
    }
  }
  return {comm.all_gather(local), d};
}

// The same steps with every particle in one process, without any communicator.
std::pair<std::vector<double>, Diagnostics> serial(const Bodies& b, Integrator integrator) {
  timing::PhaseTimer timer;
  Sources sources(b.size());
  sources.set_masses(b.m);
  ForceFn force = [&](const Vec3s& p, Vec3s& a, double* phi) {
    std::copy(p.x.begin(), p.x.end(), sources.x.begin());
    std::copy(p.y.begin(), p.y.end(), sources.y.begin());
    std::copy(p.z.begin(), p.z.end(), sources.z.begin());
    a.resize(b.size());
    accelerations(sources, 0, b.size(), 1.0, 0.02, {a.x.data(), a.y.data(), a.z.data(), phi}, 1);
  };
  State s = rows_of(b, {0, b.size()});
  for (int n = 0; n < 5; ++n) step(integrator, s, 1e-3, force, n == 4);
  prepare(s, force, true);
  double mass = 0;
  for (double m : b.m) mass += m;
  const Diagnostics d = sum_diagnostics(diagnostic_terms_of(s, b.m), mass);
  std::vector<double> all;
  for (std::size_t i = 0; i < b.size(); ++i) {
    for (double v : {s.pos.x[i], s.pos.y[i], s.pos.z[i], s.vel.x[i], s.vel.y[i], s.vel.z[i]}) {
      all.push_back(v);
    }
  }
  return {all, d};
}

}  // namespace

TEST(NbodyAcrossRanks, BitwiseEqualToSerialForAnyRanksAndThreads) {
  const parallel::Comm comm;
  for (const std::uint64_t n : {2u, 7u, 13u, 101u}) {
    const Bodies b = plummer_sphere(n, 3, 1.0);
    for (Integrator integrator : {Integrator::leapfrog, Integrator::rk2, Integrator::rk4}) {
      const auto expected = serial(b, integrator);
      for (int threads : {1, 2}) {
        const auto got = simulate(b, integrator, threads, comm);
        ASSERT_EQ(got.first, expected.first)
            << "N=" << n << " " << integrator_name(integrator) << " threads=" << threads;
        EXPECT_EQ(got.second.kinetic, expected.second.kinetic);
        EXPECT_EQ(got.second.potential, expected.second.potential);
        EXPECT_EQ(got.second.momentum, expected.second.momentum);
        EXPECT_EQ(got.second.centre_of_mass, expected.second.centre_of_mass);
      }
    }
  }
}

TEST(NbodyAcrossRanks, CheckpointRoundTripsExactly) {
  const parallel::Comm comm;
  const Bodies b = uniform_cube(11, 5);
  timing::PhaseTimer timer;
  DistributedGravity gravity(comm, b.m, Gravity{2.0, 0.1}, 1, timer);
  State s = rows_of(b, gravity.own());
  step(Integrator::leapfrog, s, 1e-2, gravity.callback(), false);
  std::string dir = (std::filesystem::temp_directory_path() / "rankwise-nbody-ck-").string();
  dir += std::to_string(comm.size());
  comm.broadcast(dir);
  if (comm.is_root()) std::filesystem::create_directories(dir);
  comm.barrier();
  const std::string path = dir + "/ck.h5";
  Checkpoint header;
  header.step = 1;
  header.dt = 1e-2;
  header.gravity = {2.0, 0.1};
  header.force_evaluations = gravity.evaluations();
  write_checkpoint(path, comm, header, s, b.m, gravity.own());
  const Checkpoint c = load_checkpoint(path, comm);
  EXPECT_EQ(c.step, 1u);
  EXPECT_EQ(c.force_evaluations, 2u);
  EXPECT_EQ(c.gravity.G, 2.0);
  EXPECT_EQ(c.integrator, Integrator::leapfrog);
  const State back = rows_of(c.bodies, gravity.own());
  EXPECT_EQ(back.pos.x, s.pos.x);
  EXPECT_EQ(back.vel.z, s.vel.z);
  ASSERT_EQ(c.acc.x.size(), b.size());
  comm.barrier();
  if (comm.is_root()) std::filesystem::remove_all(dir);
}

namespace {

// Hermite block steps to t = 0.25 over this run's ranks (j-parallel), or on this process
// alone (local_jerks: every slab here, the same window sum).
std::vector<double> hermite_run(const Bodies& b, int threads, const parallel::Comm* comm) {
  timing::PhaseTimer timer;
  const Gravity g{1.0, 0.0};
  std::optional<DistributedJerks> distributed;
  JerkFn fn;
  if (comm != nullptr) {
    distributed.emplace(*comm, b.size(), g, threads, timer);
    fn = distributed->callback();
  } else {
    fn = local_jerks(g, 1);
  }
  HermiteParams p;
  p.dt_max = 1.0 / 16;
  Hermite h(b, 0.0, p, fn);
  h.start();
  for (int s = 1; s <= 4; ++s) h.advance_to(s / 16.0);
  std::vector<double> out;
  for (const auto* v : {&h.positions().x, &h.positions().z, &h.velocities().y, &h.jerks().x, &h.steps()}) {
    out.insert(out.end(), v->begin(), v->end());
  }
  out.push_back(static_cast<double>(h.particle_steps()));
  return out;
}

}  // namespace

// N spans several slabs (so ranks own different slab counts, some none at 4 ranks).
TEST(NbodyAcrossRanks, HermiteBitwiseEqualToSerialForAnyRanksAndThreads) {
  const parallel::Comm comm;
  const Bodies b = plummer_sphere(3 * JerkSources::slab + 100, 9, 1.0);
  const auto serial = hermite_run(b, 1, nullptr);
  for (int threads : {1, 2}) {
    const auto got = hermite_run(b, threads, &comm);
    ASSERT_EQ(got.size(), serial.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], serial[i]) << "value " << i << " with " << threads << " threads on "
                                   << comm.size() << " ranks";
    }
  }
}
