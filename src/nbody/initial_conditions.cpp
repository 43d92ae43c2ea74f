// Generated and file-based initial conditions.
#include "rankwise/nbody/initial_conditions.hpp"

#include <Random123/philox.h>

#include <cmath>
#include <numbers>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/nbody/king.hpp"

namespace rankwise::nbody {
namespace {

// The stream of uniform doubles in (0, 1) belonging to one particle: Philox4x32-10 keyed by
// the seed, counter (particle, draw), two doubles of 53 bits per call.
class ParticleStream {
 public:
  ParticleStream(std::uint64_t seed, std::uint64_t particle)
      : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
        particle_(particle) {}

  double next() {
    if (have_ == 0) {
      const r123::Philox4x32::ctr_type ctr = {{static_cast<std::uint32_t>(particle_),
                                               static_cast<std::uint32_t>(particle_ >> 32),
                                               draw_++, 0u}};
      const auto out = rng_(ctr, key_);
      for (int k = 0; k < 2; ++k) {
        const std::uint64_t bits = (std::uint64_t{out.v[2 * k]} << 32) | out.v[2 * k + 1];
        buffer_[k] = (static_cast<double>(bits >> 11) + 0.5) * 0x1.0p-53;  // never 0 or 1
      }
      have_ = 2;
    }
    return buffer_[2 - have_--];
  }

 private:
  r123::Philox4x32 rng_;
  r123::Philox4x32::key_type key_;
  std::uint64_t particle_;
  std::uint32_t draw_ = 0;
  double buffer_[2] = {0, 0};
  int have_ = 0;
};

// A vector of length `length` in a uniformly random direction.
void isotropic(ParticleStream& s, double length, double& x, double& y, double& z) {
  z = (1.0 - 2.0 * s.next()) * length;
  const double rho = std::sqrt(std::max(0.0, length * length - z * z));
  const double phi = 2.0 * std::numbers::pi * s.next();
  x = rho * std::cos(phi);
  y = rho * std::sin(phi);
}

// Subtract the mass-weighted mean (summed in index order: the same on every rank).
void to_centre_of_mass(std::vector<double>& v, const std::vector<double>& m) {
  double sum = 0, mass = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += m[i] * v[i];
    mass += m[i];
  }
  const double mean = sum / mass;
  for (double& value : v) value -= mean;
}

}  // namespace

Bodies uniform_cube(std::uint64_t n, std::uint64_t seed) {
  Bodies b;
  b.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    ParticleStream s(seed, i);
    b.x[i] = s.next();
    b.y[i] = s.next();
    b.z[i] = s.next();
    b.vx[i] = s.next();
    b.vy[i] = s.next();
    b.vz[i] = s.next();
    b.m[i] = 1.0;
  }
  return b;
}

Bodies plummer_sphere(std::uint64_t n, std::uint64_t seed, double G) {
  Bodies b;
  b.resize(n);
  const double length = 3.0 * std::numbers::pi / 16.0;  // Plummer scale radius in Henon units
  const double speed = std::sqrt(G / length);
  for (std::uint64_t i = 0; i < n; ++i) {
    ParticleStream s(seed, i);
    double r = 0;
    do {  // invert the cumulative mass M(r) = r^3 / (1 + r^2)^1.5
      r = 1.0 / std::sqrt(std::pow(s.next(), -2.0 / 3.0) - 1.0);
    } while (r > 10.0);
    isotropic(s, r * length, b.x[i], b.y[i], b.z[i]);
    // von Neumann rejection for q = v / v_escape with density q^2 (1 - q^2)^3.5.
    double q = 0, p = 0;
    do {
      q = s.next();
      p = 0.1 * s.next();
    } while (p > q * q * std::pow(1.0 - q * q, 3.5));
    const double v = q * std::sqrt(2.0) * std::pow(1.0 + r * r, -0.25);
    isotropic(s, v * speed, b.vx[i], b.vy[i], b.vz[i]);
    b.m[i] = 1.0 / static_cast<double>(n);
  }
  for (auto* v : {&b.x, &b.y, &b.z, &b.vx, &b.vy, &b.vz}) to_centre_of_mass(*v, b.m);
  return b;
}

namespace {

// q^2 (exp(W (1 - q^2)) - 1): the speed distribution at potential W, q = v / v_escape.
double king_speed_density(double q, double w) { return q * q * std::expm1(w * (1.0 - q * q)); }

// Its maximum over 0 < q < 1 (one peak): golden-section search.
double king_speed_peak(double w) {
  double a = 0, b = 1;
  const double g = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int k = 0; k < 60; ++k) {
    const double c = b - g * (b - a), d = a + g * (b - a);
    if (king_speed_density(c, w) < king_speed_density(d, w)) {
      a = c;
    } else {
      b = d;
    }
  }
  return king_speed_density(0.5 * (a + b), w);
}

}  // namespace

Bodies king_sphere(std::uint64_t n, std::uint64_t seed, double w0, double G) {
  const KingProfile model = king_profile(w0);
  // King units (G = sigma = r0 = 1) to Henon units: M = 1, virial radius M^2 / (2 |W|) = 1.
  const double virial_radius =
      model.total_mass * model.total_mass / (2.0 * std::fabs(model.potential_energy));
  const double length = 1.0 / virial_radius;
  const double speed = std::sqrt(G * virial_radius / model.total_mass);
  Bodies b;
  b.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    ParticleStream s(seed, i);
    const double r = model.radius_of_mass(s.next());
    isotropic(s, r * length, b.x[i], b.y[i], b.z[i]);
    // Rejection from f(E) ~ exp(-E / sigma^2) - 1 at this radius: speeds below escape.
    const double w = model.potential_at(r);
    double v = 0;
    if (w > 0) {
      const double envelope = 1.0001 * king_speed_peak(w);
      double q = 0, p = 0;
      do {
        q = s.next();
        p = envelope * s.next();
      } while (p > king_speed_density(q, w));
      v = q * std::sqrt(2.0 * w);
    }
    isotropic(s, v * speed, b.vx[i], b.vy[i], b.vz[i]);
    b.m[i] = 1.0 / static_cast<double>(n);
  }
  for (auto* v : {&b.x, &b.y, &b.z, &b.vx, &b.vy, &b.vz}) to_centre_of_mass(*v, b.m);
  return b;
}

namespace {
std::vector<double> read_checked(const io::Group& root, const std::string& path,
                                 const std::string& name, const io::Dims& expected_tail) {
  if (!root.exists(name)) throw InputError("'" + path + "': missing dataset '" + name + "'");
  const io::Dataset ds = root.open_dataset(name);
  const io::Dims dims = ds.dims();
  io::Dims tail(dims.begin() + (dims.empty() ? 0 : 1), dims.end());
  if (dims.empty() || tail != expected_tail) {
    std::string want = expected_tail.empty() ? "[N]" : "[N,3]";
    throw InputError("'" + path + "': dataset '" + name + "' must have shape " + want);
  }
  if (!ds.is_float()) {
    throw InputError("'" + path + "': dataset '" + name + "' must hold floating-point values");
  }
  auto values = ds.read<double>();
  for (double v : values) {
    if (!std::isfinite(v)) {
      throw InputError("'" + path + "': dataset '" + name + "' holds a non-finite value");
    }
  }
  return values;
}
}  // namespace

Bodies read_initial_conditions(const std::string& path) {
  const io::File file = io::File::open_read(path);
  const io::Group root = file.root();
  const auto pos = read_checked(root, path, "positions", {3});
  const auto vel = read_checked(root, path, "velocities", {3});
  const auto mass = read_checked(root, path, "masses", {});
  const std::size_t n = mass.size();
  if (n == 0) throw InputError("'" + path + "': no particles (masses is empty)");
  if (pos.size() != 3 * n || vel.size() != 3 * n) {
    throw InputError("'" + path + "': positions, velocities and masses disagree on N");
  }
  for (double m : mass) {
    if (m < 0) throw InputError("'" + path + "': dataset 'masses' holds a negative mass");
  }
  return Bodies::from_rows(pos, vel, mass);
}

void write_initial_conditions(const std::string& path, const Bodies& b) {
  const std::size_t n = b.size();
  std::vector<double> pos(3 * n), vel(3 * n);
  for (std::size_t i = 0; i < n; ++i) {
    pos[3 * i] = b.x[i];
    pos[3 * i + 1] = b.y[i];
    pos[3 * i + 2] = b.z[i];
    vel[3 * i] = b.vx[i];
    vel[3 * i + 1] = b.vy[i];
    vel[3 * i + 2] = b.vz[i];
  }
  io::File file = io::File::create_serial(path);
  {
    io::Group root = file.root();
    root.write_root<double>("positions", pos, {n, 3});
    root.write_root<double>("velocities", vel, {n, 3});
    root.write_root<double>("masses", b.m, {n});
  }
  file.close();
}

}  // namespace rankwise::nbody
