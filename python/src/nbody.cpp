// rankwise.nbody: the gravity kernel, diagnostics and integrators on NumPy arrays.

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include "bindings.hpp"
#include "rankwise/nbody/diagnostics.hpp"
#include "rankwise/nbody/gravity.hpp"
#include "rankwise/nbody/initial_conditions.hpp"
#include "rankwise/nbody/integrators.hpp"

namespace rankwise::python {
namespace {

using nbody::Vec3s;

// Columns of an (N, 3) array, checked against N masses.
Vec3s columns(const DoubleArray& a, std::size_t n, const char* what) {
  if (a.ndim() != 2 || a.shape(1) != 3 || static_cast<std::size_t>(a.shape(0)) != n) {
    throw py::value_error(std::string(what) + ": expected shape (" + std::to_string(n) +
                          ", 3) to match the masses");
  }
  Vec3s v;
  v.resize(n);
  const auto r = a.unchecked<2>();
  for (std::size_t i = 0; i < n; ++i) {
    const auto k = static_cast<py::ssize_t>(i);
    v.x[i] = r(k, 0);
    v.y[i] = r(k, 1);
    v.z[i] = r(k, 2);
  }
  return v;
}

std::vector<double> vector_of(const DoubleArray& a, const char* what) {
  if (a.ndim() != 1) throw py::value_error(std::string(what) + ": expected a 1-D array");
  return {a.data(), a.data() + a.size()};
}

// An (N, 3) array whose memory is a (3, N) block: the kernel writes each component
// contiguously into it, and NumPy sees rows of (x, y, z) without a copy (Fortran order).
py::array_t<double> component_block(std::size_t n) {
  const auto rows = static_cast<py::ssize_t>(n);
  return py::array_t<double>({rows, py::ssize_t{3}},
                             {static_cast<py::ssize_t>(sizeof(double)),
                              static_cast<py::ssize_t>(sizeof(double)) * rows});
}

py::array_t<double> rows_of(const Vec3s& v) {
  auto out = component_block(v.size());
  double* p = out.mutable_data();
  std::copy(v.x.begin(), v.x.end(), p);
  std::copy(v.y.begin(), v.y.end(), p + v.size());
  std::copy(v.z.begin(), v.z.end(), p + 2 * v.size());
  return out;
}

/// Softened gravity of all particles: the kernel on the sources the CLI's DistributedGravity
/// builds (on one rank its all-gather is this copy), so the same bits. With a communicator,
/// every rank holds every particle, computes the targets of its block as DistributedGravity
/// does, and all of them are gathered on every rank: each target's sum runs over all sources
/// in index order, so the bits do not depend on the split.
class DirectGravity {
 public:
  DirectGravity(std::vector<double> masses, nbody::Gravity gravity, int threads,
                const parallel::Comm* comm = nullptr)
      : masses_(std::move(masses)),
        gravity_(gravity),
        threads_(threads),
        comm_(comm),
        sources_(masses_.size()) {
    sources_.set_masses(masses_);
    for (double m : masses_) total_mass_ += m;  // index order, as the driver sums it
  }
  void operator()(const Vec3s& pos, Vec3s& acc, double* phi) {
    acc.resize(size());
    evaluate(pos, {acc.x.data(), acc.y.data(), acc.z.data(), phi});
  }
  void evaluate(const Vec3s& pos, const nbody::Field& out) {
    std::copy(pos.x.begin(), pos.x.end(), sources_.x.begin());
    std::copy(pos.y.begin(), pos.y.end(), sources_.y.begin());
    std::copy(pos.z.begin(), pos.z.end(), sources_.z.begin());
    if (comm_ == nullptr) {
      nbody::accelerations(sources_, 0, size(), gravity_.G, gravity_.softening, out, threads_);
    } else {
      evaluate_blocks(out);
    }
    ++evaluations_;
  }
  [[nodiscard]] nbody::Diagnostics diagnostics(const nbody::State& s) const {
    return nbody::sum_diagnostics(nbody::diagnostic_terms_of(s, masses_), total_mass_);
  }
  [[nodiscard]] std::size_t size() const noexcept { return masses_.size(); }
  [[nodiscard]] const std::vector<double>& masses() const noexcept { return masses_; }
  [[nodiscard]] const nbody::Gravity& gravity() const noexcept { return gravity_; }
  [[nodiscard]] std::uint64_t evaluations() const noexcept { return evaluations_; }

 private:
  // collective: this rank's targets, then every rank's, into `out`.
  void evaluate_blocks(const nbody::Field& out) {
    const auto own = own_block(size(), comm_);
    std::vector<double> mine(4 * own.size());
    double* m = mine.data();
    const std::size_t k = own.size();
    nbody::accelerations(sources_, own.begin, k, gravity_.G, gravity_.softening,
                         {m, m + k, m + 2 * k, out.phi != nullptr ? m + 3 * k : nullptr},
                         threads_);
    double* columns[4] = {out.ax, out.ay, out.az, out.phi};
    for (std::size_t c = 0; c < 4; ++c) {
      if (columns[c] == nullptr) continue;
      const auto all = all_blocks({m + c * k, k}, size(), *comm_);
      std::copy(all.begin(), all.end(), columns[c]);
    }
  }

  std::vector<double> masses_;
  nbody::Gravity gravity_;
  int threads_;
  const parallel::Comm* comm_;
  nbody::Sources sources_;
  double total_mass_ = 0;
  std::uint64_t evaluations_ = 0;
};

nbody::Gravity gravity_of(double G, double softening) {
  if (!(G > 0) || !(softening >= 0)) {
    throw py::value_error("G must be > 0 and softening >= 0");
  }
  return {G, softening};
}

py::dict dict_of(const nbody::Diagnostics& d) {
  py::dict out;
  out["kinetic"] = d.kinetic;
  out["potential"] = d.potential;
  out["total"] = d.total();
  out["momentum"] = d.momentum;
  out["centre_of_mass"] = d.centre_of_mass;
  return out;
}

/// Particles advanced by one of the CLI's integrators (one process, OpenMP threads).
class Simulation {
 public:
  Simulation(const DoubleArray& pos, const DoubleArray& vel, const DoubleArray& masses, double G,
             double softening, const std::string& integrator, int threads,
             const parallel::Comm* comm = nullptr)
      : gravity_(vector_of(masses, "masses"), gravity_of(G, softening), threads, comm),
        integrator_(nbody::parse_integrator(integrator, "integrator")) {
    state_.pos = columns(pos, gravity_.size(), "positions");
    state_.vel = columns(vel, gravity_.size(), "velocities");
  }
  Simulation(const nbody::Bodies& b, double G, double softening, const std::string& integrator,
             int threads)
      : gravity_(b.m, gravity_of(G, softening), threads),
        integrator_(nbody::parse_integrator(integrator, "integrator")) {
    state_.pos = {b.x, b.y, b.z};
    state_.vel = {b.vx, b.vy, b.vz};
  }

  void run(std::uint64_t steps, double dt) {
    if (integrator_ == nbody::Integrator::hermite) {
      throw py::value_error("integrator: hermite (block steps) runs only in the CLI, "
                            "`rankwise nbody --integrator hermite`");
    }
    if (!(dt > 0) || !std::isfinite(dt)) throw py::value_error("dt: must be > 0 and finite");
    const nbody::ForceFn force = [this](const Vec3s& p, Vec3s& a, double* phi) {
      gravity_(p, a, phi);
    };
    py::gil_scoped_release release;
    for (std::uint64_t s = 0; s < steps; ++s) {
      nbody::step(integrator_, state_, dt, force, false);
      ++step_;
    }
    time_ += static_cast<double>(steps) * dt;
  }
  [[nodiscard]] py::dict diagnostics() {
    const nbody::ForceFn force = [this](const Vec3s& p, Vec3s& a, double* phi) {
      gravity_(p, a, phi);
    };
    nbody::Diagnostics d;
    {
      py::gil_scoped_release release;
      nbody::prepare(state_, force, true);
      d = gravity_.diagnostics(state_);
    }
    return dict_of(d);
  }

  nbody::State state_;
  DirectGravity gravity_;
  nbody::Integrator integrator_;
  std::uint64_t step_ = 0;
  double time_ = 0;
};

py::array_t<double> masses_array(const std::vector<double>& m) {
  return py::array_t<double>(static_cast<py::ssize_t>(m.size()), m.data());
}

py::dict bodies_dict(const nbody::Bodies& b) {
  py::dict out;
  out["positions"] = rows_of(Vec3s{b.x, b.y, b.z});
  out["velocities"] = rows_of(Vec3s{b.vx, b.vy, b.vz});
  out["masses"] = masses_array(b.m);
  return out;
}

}  // namespace

void bind_nbody(py::module_& m) {
  m.def(
      "nbody_accelerations",
      [](const DoubleArray& pos, const DoubleArray& masses, double G, double softening,
         std::optional<int> threads, bool potential,
         std::optional<int> comm_handle) -> py::object {
        const auto n = static_cast<std::size_t>(masses.size());
        auto acc = component_block(n);
        py::array_t<double> phi(static_cast<py::ssize_t>(potential ? n : 0));
        double* a = acc.mutable_data();
        double* f = potential ? phi.mutable_data() : nullptr;
        {
          py::gil_scoped_release release;  // kernels and MPI run without the GIL
          const auto comm = comm_from_handle(comm_handle);
          std::vector<double> mass;
          Vec3s p;
          nbody::Gravity g;
          int t = 1;
          on_every_rank(comm.get(), [&] {  // a bad argument on one rank is an error on all
            mass = vector_of(masses, "masses");
            p = columns(pos, n, "positions");
            g = gravity_of(G, softening);
            t = threads_or_default(threads);
          });
          if (comm) check_same_size(n, *comm, "positions, masses");
          DirectGravity gravity(std::move(mass), g, t, comm.get());
          gravity.evaluate(p, {a, a + n, a + 2 * n, f});
        }
        return potential ? py::object(py::make_tuple(acc, phi)) : py::object(acc);
      },
      py::arg("positions"), py::arg("masses"), py::arg("G") = 1.0, py::arg("softening") = 0.01,
      py::arg("threads") = py::none(), py::arg("potential") = false,
      py::arg("comm_handle") = py::none());
  m.def(
      "nbody_diagnostics",
      [](const DoubleArray& pos, const DoubleArray& vel, const DoubleArray& masses, double G,
         double softening, std::optional<int> threads, std::optional<int> comm_handle) {
        std::unique_ptr<parallel::Comm> comm;
        std::unique_ptr<Simulation> sim;
        {
          py::gil_scoped_release release;
          comm = comm_from_handle(comm_handle);
          on_every_rank(comm.get(), [&] {  // a bad argument on one rank is an error on all
            sim = std::make_unique<Simulation>(pos, vel, masses, G, softening, "leapfrog",
                                               threads_or_default(threads), comm.get());
          });
          if (comm) check_same_size(static_cast<std::uint64_t>(masses.size()), *comm, "masses");
        }
        return sim->diagnostics();
      },
      py::arg("positions"), py::arg("velocities"), py::arg("masses"), py::arg("G") = 1.0,
      py::arg("softening") = 0.01, py::arg("threads") = py::none(),
      py::arg("comm_handle") = py::none(),
      "Kinetic, potential (1/2 sum m_i phi_i, softened) and total energy, momentum, centre of "
      "mass, summed in particle order as the CLI's /nbody diagnostics.");
  m.def(
      "nbody_plummer",
      [](std::uint64_t n, std::uint64_t seed, double G) {
        if (n < 1) throw py::value_error("n: at least 1 particle");
        return bodies_dict(nbody::plummer_sphere(n, seed, G));
      },
      py::arg("n"), py::arg("seed") = 42, py::arg("G") = 1.0,
      "A Plummer sphere in Henon units (rankwise nbody --ic plummer).");
  m.def(
      "nbody_uniform_cube",
      [](std::uint64_t n, std::uint64_t seed) {
        if (n < 1) throw py::value_error("n: at least 1 particle");
        return bodies_dict(nbody::uniform_cube(n, seed));
      },
      py::arg("n"), py::arg("seed") = 42,
      "Unit masses uniform in the unit cube (rankwise nbody --ic uniform).");

  py::class_<Simulation>(m, "Simulation", "Particles advanced by one of the CLI's integrators.")
      .def(py::init([](const DoubleArray& pos, const DoubleArray& vel, const DoubleArray& masses,
                       double G, double softening, const std::string& integrator,
                       std::optional<int> threads) {
             return std::make_unique<Simulation>(pos, vel, masses, G, softening, integrator,
                                                 threads_or_default(threads));
           }),
           py::arg("positions"), py::arg("velocities"), py::arg("masses"), py::arg("G") = 1.0,
           py::arg("softening") = 0.01, py::arg("integrator") = "leapfrog",
           py::arg("threads") = py::none())
      .def_static(
          "plummer",
          [](std::uint64_t n, std::uint64_t seed, double G, double softening,
             const std::string& integrator, std::optional<int> threads) {
            if (n < 1) throw py::value_error("n: at least 1 particle");
            return std::make_unique<Simulation>(nbody::plummer_sphere(n, seed, G), G, softening,
                                                integrator, threads_or_default(threads));
          },
          py::arg("n"), py::arg("seed") = 42, py::arg("G") = 1.0, py::arg("softening") = 0.01,
          py::arg("integrator") = "leapfrog", py::arg("threads") = py::none(),
          "A Plummer sphere of n particles, as rankwise nbody --ic plummer --particles n.")
      .def_static(
          "uniform_cube",
          [](std::uint64_t n, std::uint64_t seed, double G, double softening,
             const std::string& integrator, std::optional<int> threads) {
            if (n < 1) throw py::value_error("n: at least 1 particle");
            return std::make_unique<Simulation>(nbody::uniform_cube(n, seed), G, softening,
                                                integrator, threads_or_default(threads));
          },
          py::arg("n"), py::arg("seed") = 42, py::arg("G") = 1.0, py::arg("softening") = 0.01,
          py::arg("integrator") = "leapfrog", py::arg("threads") = py::none(),
          "Unit masses uniform in the unit cube, as rankwise nbody --ic uniform.")
      .def("run", &Simulation::run, py::arg("steps"), py::arg("dt") = 1e-3,
           "Advance `steps` steps of `dt` (the GIL is released meanwhile).")
      .def("diagnostics", &Simulation::diagnostics,
           "Energies, momentum and centre of mass at the current state.")
      .def_property_readonly("positions", [](const Simulation& s) { return rows_of(s.state_.pos); },
                             "(N, 3) positions (a copy)")
      .def_property_readonly("velocities",
                             [](const Simulation& s) { return rows_of(s.state_.vel); },
                             "(N, 3) velocities (a copy)")
      .def_property_readonly("masses",
                             [](const Simulation& s) { return masses_array(s.gravity_.masses()); })
      .def_property_readonly("step", [](const Simulation& s) { return s.step_; },
                             "steps taken")
      .def_property_readonly("time", [](const Simulation& s) { return s.time_; },
                             "sum of steps times dt over run() calls")
      .def_property_readonly("force_evaluations",
                             [](const Simulation& s) { return s.gravity_.evaluations(); })
      .def_property_readonly("integrator", [](const Simulation& s) {
        return nbody::integrator_name(s.integrator_);
      });
}

}  // namespace rankwise::python
