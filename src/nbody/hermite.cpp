// Hermite block steps. Times are sums of powers of two, exact in a double as long as
// t / dt_min < 2^53, so "t_i + dt_i == t_block" is an exact test.
#include "rankwise/nbody/hermite.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace rankwise::nbody {

bool is_power_of_two(double v) {
  if (!(v > 0) || !std::isfinite(v)) return false;
  int e = 0;
  return std::frexp(v, &e) == 0.5;
}

Hermite::Hermite(const Bodies& b, double t, HermiteParams params, JerkFn jerk)
    : p_(params),
      jerk_fn_(std::move(jerk)),
      n_(b.size()),
      pos_{b.x, b.y, b.z},
      vel_{b.vx, b.vy, b.vz},
      m_(b.m),
      t_(b.size(), t),
      dt_(b.size(), params.dt_max),
      t_sync_(t),
      predicted_(b.size()) {
  acc_.resize(n_);
  jerk_.resize(n_);
  std::copy(m_.begin(), m_.end(), predicted_.m.begin());
}

void Hermite::predict(double t) {
  for (std::size_t i = 0; i < n_; ++i) {
    const double h = t - t_[i];
    const double h2 = 0.5 * h, h3 = h / 3.0;
    const double ax = acc_.x[i], ay = acc_.y[i], az = acc_.z[i];
    const double jx = jerk_.x[i], jy = jerk_.y[i], jz = jerk_.z[i];
    predicted_.x[i] = pos_.x[i] + h * (vel_.x[i] + h2 * (ax + h3 * jx));
    predicted_.y[i] = pos_.y[i] + h * (vel_.y[i] + h2 * (ay + h3 * jy));
    predicted_.z[i] = pos_.z[i] + h * (vel_.z[i] + h2 * (az + h3 * jz));
    predicted_.vx[i] = vel_.x[i] + h * (ax + h2 * jx);
    predicted_.vy[i] = vel_.y[i] + h * (ay + h2 * jy);
    predicted_.vz[i] = vel_.z[i] + h * (az + h2 * jz);
  }
}

void Hermite::evaluate(std::span<const std::uint32_t> active) {
  out_.resize(active.size() * jerk_components);
  jerk_fn_(predicted_, active, out_);
  particle_steps_ += active.size();
}

// Largest power of two <= dt_max, <= criterion (unless that is below dt_min), at most twice
// dt_old and dividing t (so the particle stays on the block grid).
double Hermite::quantise(double criterion, double dt_old, double t) {
  double dt = dt_old;
  if (!(criterion >= dt)) {  // NaN criterion: halve down to dt_min
    while (dt > p_.dt_min && !(dt <= criterion)) dt *= 0.5;
    if (!(dt <= criterion)) ++dt_min_hits_;
  } else if (criterion >= 2 * dt && 2 * dt <= p_.dt_max && std::fmod(t, 2 * dt) == 0) {
    dt *= 2;
  }
  return dt;
}

void Hermite::start() {
  predict(t_sync_);  // h = 0: the positions themselves
  active_.resize(n_);
  for (std::size_t i = 0; i < n_; ++i) active_[i] = static_cast<std::uint32_t>(i);
  evaluate(active_);
  double shared = p_.dt_max;
  for (std::size_t i = 0; i < n_; ++i) {
    const double* o = out_.data() + i * jerk_components;
    acc_.x[i] = o[0], acc_.y[i] = o[1], acc_.z[i] = o[2];
    jerk_.x[i] = o[3], jerk_.y[i] = o[4], jerk_.z[i] = o[5];
    const double a = std::sqrt(o[0] * o[0] + o[1] * o[1] + o[2] * o[2]);
    const double j = std::sqrt(o[3] * o[3] + o[4] * o[4] + o[5] * o[5]);
    const double criterion = j > 0 ? p_.eta_start * a / j : p_.dt_max;
    dt_[i] = p_.dt_max;
    while (dt_[i] > p_.dt_min && dt_[i] > criterion) dt_[i] *= 0.5;
    if (dt_[i] > criterion) ++dt_min_hits_;
    shared = std::min(shared, dt_[i]);
  }
  if (p_.shared) std::fill(dt_.begin(), dt_.end(), shared);
}

void Hermite::resume(const Vec3s& acc, const Vec3s& jerk, std::vector<double> steps,
                     std::vector<double> times) {
  acc_ = acc;
  jerk_ = jerk;
  dt_ = std::move(steps);
  if (!times.empty()) t_ = std::move(times);
}

bool Hermite::advance_to(double t_end, const std::function<bool(double)>& after_block) {
  for (;;) {
    double t = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < n_; ++i) t = std::min(t, t_[i] + dt_[i]);
    if (t > t_end) break;
    active_.clear();
    for (std::size_t i = 0; i < n_; ++i) {
      if (t_[i] + dt_[i] == t) active_.push_back(static_cast<std::uint32_t>(i));
    }
    predict(t);
    evaluate(active_);
    ++blocks_;
    double shared = p_.dt_max;
    for (std::size_t k = 0; k < active_.size(); ++k) {
      const std::size_t i = active_[k];
      const double* o = out_.data() + k * jerk_components;
      const double h = t - t_[i];
      const double h2 = h * h;
      const double a0[3] = {acc_.x[i], acc_.y[i], acc_.z[i]};
      const double j0[3] = {jerk_.x[i], jerk_.y[i], jerk_.z[i]};
      const double xp[3] = {predicted_.x[i], predicted_.y[i], predicted_.z[i]};
      const double vp[3] = {predicted_.vx[i], predicted_.vy[i], predicted_.vz[i]};
      double x1[3], v1[3], snap[3], crackle[3];
      for (int c = 0; c < 3; ++c) {
        const double a1 = o[c], j1 = o[3 + c];
        // Snap and crackle at the start of the step from the Hermite interpolation.
        const double s0 = (-6.0 * (a0[c] - a1) - h * (4.0 * j0[c] + 2.0 * j1)) / h2;
        const double c0 = (12.0 * (a0[c] - a1) + 6.0 * h * (j0[c] + j1)) / (h2 * h);
        x1[c] = xp[c] + h2 * h2 * (s0 / 24.0 + h * c0 / 120.0);
        v1[c] = vp[c] + h2 * h * (s0 / 6.0 + h * c0 / 24.0);
        snap[c] = s0 + h * c0;  // at the end of the step
        crackle[c] = c0;
      }
      pos_.x[i] = x1[0], pos_.y[i] = x1[1], pos_.z[i] = x1[2];
      vel_.x[i] = v1[0], vel_.y[i] = v1[1], vel_.z[i] = v1[2];
      acc_.x[i] = o[0], acc_.y[i] = o[1], acc_.z[i] = o[2];
      jerk_.x[i] = o[3], jerk_.y[i] = o[4], jerk_.z[i] = o[5];
      t_[i] = t;
      auto norm = [](const double* v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); };
      const double a = norm(o), j = norm(o + 3), s = norm(snap), c = norm(crackle);
      // Aarseth (1985): dt = sqrt(eta (|a||s| + |j|^2) / (|j||c| + |s|^2)).
      const double den = j * c + s * s;
      const double criterion = den > 0 ? std::sqrt(p_.eta * (a * s + j * j) / den) : p_.dt_max;
      dt_[i] = quantise(criterion, h, t);
      shared = std::min(shared, dt_[i]);
    }
    if (p_.shared) {
      for (std::size_t i = 0; i < n_; ++i) dt_[i] = shared;
    }
    if (after_block && after_block(t)) return false;
  }
  for (std::size_t i = 0; i < n_; ++i) {
    if (t_[i] != t_end) throw std::logic_error("hermite: a particle missed the sync time");
  }
  t_sync_ = t_end;
  return true;
}

}  // namespace rankwise::nbody
