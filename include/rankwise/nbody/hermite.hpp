#pragma once
/// Fourth-order Hermite predictor-corrector with individual block time steps (Makino &
/// Aarseth 1992). Every rank holds the whole system and steps it identically; only the
/// forces of the active particles are shared out (through the JerkFn), so this file knows
/// nothing about ranks.
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "rankwise/nbody/bodies.hpp"
#include "rankwise/nbody/hermite_kernel.hpp"
#include "rankwise/nbody/integrators.hpp"

namespace rankwise::nbody {

/// Time-step control. Steps are powers of two; dt_max and dt_min must be too.
struct HermiteParams {
  double eta = 0.02;        ///< Aarseth's accuracy parameter
  double eta_start = 0.01;  ///< first step: eta_start |a| / |j|
  double dt_max = 0.125;    ///< largest step; sync times are multiples of it
  double dt_min = 0x1p-40;  ///< smallest step: a particle that wants less is held at it
  bool shared = false;      ///< every particle on the smallest step (for comparison)
};

/// Accelerations and jerks (G applied) of the particles `active` from `predicted` (all N at
/// one time): out[6 k + c] for active[k], c = ax, ay, az, jx, jy, jz.
using JerkFn = std::function<void(const JerkSources& predicted,
                                  std::span<const std::uint32_t> active, std::span<double> out)>;

/// The Hermite state of all N particles.
class Hermite {
 public:
  /// `bodies` at time `t` (a multiple of params.dt_max).
  Hermite(const Bodies& bodies, double t, HermiteParams params, JerkFn jerk);

  /// collective (through the JerkFn): a and j of every particle, and their first steps.
  void start();
  /// Continue from a checkpoint's accelerations, jerks, steps and particle times (all N, in
  /// global order; `times` empty: every particle at the time given to the constructor).
  void resume(const Vec3s& acc, const Vec3s& jerk, std::vector<double> steps,
              std::vector<double> times = {});

  /// collective: block steps until every particle is at `t_end` (a multiple of dt_max).
  /// `after_block(t)` is called after each block step (the same blocks on every rank); when
  /// it returns true, stop there (particles at their own times) and return false.
  bool advance_to(double t_end, const std::function<bool(double)>& after_block = {});

  [[nodiscard]] double time() const noexcept { return t_sync_; }
  [[nodiscard]] const Vec3s& positions() const noexcept { return pos_; }
  [[nodiscard]] const Vec3s& velocities() const noexcept { return vel_; }
  [[nodiscard]] const Vec3s& accelerations() const noexcept { return acc_; }
  [[nodiscard]] const Vec3s& jerks() const noexcept { return jerk_; }
  /// Each particle's current step, and its time (all equal after advance_to reached t_end).
  [[nodiscard]] const std::vector<double>& steps() const noexcept { return dt_; }
  [[nodiscard]] const std::vector<double>& times() const noexcept { return t_; }

  /// Block steps taken, particle steps (force calculations of one particle) made, and times
  /// a particle was held at dt_min.
  [[nodiscard]] std::uint64_t blocks() const noexcept { return blocks_; }
  [[nodiscard]] std::uint64_t particle_steps() const noexcept { return particle_steps_; }
  [[nodiscard]] std::uint64_t dt_min_hits() const noexcept { return dt_min_hits_; }
  void set_counts(std::uint64_t blocks, std::uint64_t particle_steps,
                  std::uint64_t dt_min_hits) noexcept {
    blocks_ = blocks;
    particle_steps_ = particle_steps;
    dt_min_hits_ = dt_min_hits;
  }

 private:
  void predict(double t);
  void evaluate(std::span<const std::uint32_t> active);
  double quantise(double criterion, double dt_old, double t) ;

  HermiteParams p_;
  JerkFn jerk_fn_;
  std::size_t n_;
  Vec3s pos_, vel_, acc_, jerk_;
  std::vector<double> m_, t_, dt_;
  double t_sync_;
  JerkSources predicted_;
  std::vector<std::uint32_t> active_;
  std::vector<double> out_;
  std::uint64_t blocks_ = 0, particle_steps_ = 0, dt_min_hits_ = 0;
};

/// True if `v` is 2^k for an integer k.
[[nodiscard]] bool is_power_of_two(double v);

}  // namespace rankwise::nbody
