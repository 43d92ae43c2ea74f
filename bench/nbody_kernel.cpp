// Pair interactions per second of the gravity kernel on one rank: one thread (per CPU second)
// and all threads (per wall second), and side by side in the same run a hand-vectorised
// reference kernel (nbody_hand_kernel.hpp, intrinsics) for the instruction set of the Highway
// target that runs: issue #13 asks the product for >= 85 % of it.
// Usage: bench_nbody_kernel [N=16384] [rounds=3] [threads=OMP_NUM_THREADS or 1]
//        bench_nbody_kernel variants [N] [rounds]   every hand-kernel variant, alternated
//        bench_nbody_kernel accuracy                max ulp error of the hand kernel's lanes
// BENCH_TARGET=AVX2 (or another Highway target name) measures that target on a CPU that has
// better ones; the hand kernel follows (AVX3* -> AVX-512, AVX2 -> AVX2).
// One thread: product and hand kernel alternate round after round (one force evaluation
// each), CPU time; the figures are medians of the rounds, the ratio the median of the
// per-round ratios.
#include <omp.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <hwy/targets.h>

#include "bench/nbody_hand_kernel.hpp"
#include "bench_support.hpp"
#include "rankwise/nbody/gravity.hpp"
#include "rankwise/simd/target.hpp"
#include "rankwise/timing/phase_timer.hpp"

namespace rankwise::nbody {
// The product kernel's entry (src/nbody/gravity_kernel.cpp): one thread's range of targets.
void gravity_targets(const double* x, const double* y, const double* z, const double* m,
                     std::size_t n, std::size_t first, std::size_t end, double eps2, double* ax,
                     double* ay, double* az, double* phi);
}  // namespace rankwise::nbody

using namespace rankwise;

namespace {
using bench::cpu_now;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t k = v.size();
  return k % 2 ? v[k / 2] : 0.5 * (v[k / 2 - 1] + v[k / 2]);
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  std::string family;
  while (std::getline(in, line)) {
    if (line.rfind("cpu family", 0) == 0) family = line.substr(line.find(':') + 2);
    if (line.rfind("model name", 0) == 0) {
      return line.substr(line.find(':') + 2) + (family.empty() ? "" : " (family " + family + ")");
    }
  }
  return "unknown";
}

constexpr double kSoftening = 0.01;
constexpr double kEps2 = kSoftening * kSoftening;

using Kernel = void (*)(const double*, const double*, const double*, const double*, std::size_t,
                        std::size_t, std::size_t, double, double*, double*, double*);

struct HandVariant {
  const char* name;
  Kernel kernel;
};

// Hand-kernel variants: <targets per pass, divider vectors per block of 16 sources, series
// terms, float estimate as the product, software-pipelined>. The first of each list is the
// reference of the default run.
const std::vector<HandVariant>& avx512_variants() {
  using hand::avx512::HandKernel;
  using O = hand::avx512::Ops;
  static const std::vector<HandVariant> v = {
      {"avx512 T2 div1/2", HandKernel<O, 2, 1, 4>},
      {"avx512 T1 div1/2", HandKernel<O, 1, 1, 4>},
      {"avx512 T4 div1/2", HandKernel<O, 4, 1, 4>},
      {"avx512 T4 div0/2", HandKernel<O, 4, 0, 4>},
      {"avx512 T2 div1/2 pipe", HandKernel<O, 2, 1, 4, false, true>},
      {"avx512 T1 div1/2 pipe", HandKernel<O, 1, 1, 4, false, true>},
      {"avx512 T2 div1/4", HandKernel<O, 2, 1, 4, false, false, 32>},
      {"avx512 T2 div3/4", HandKernel<O, 2, 3, 4, false, false, 32>},
      {"avx512 T1 div1/4", HandKernel<O, 1, 1, 4, false, false, 32>},
      {"avx512 T2 div1/2 e^3", HandKernel<O, 2, 1, 3>},
      {"avx512 T2 div1/2 fl", HandKernel<O, 2, 1, 4, true>},
      {"avx512 T1 div1/2 fl", HandKernel<O, 1, 1, 4, true>},
      {"avx512 T1 div1/2 fl pipe", HandKernel<O, 1, 1, 4, true, true>},
      {"avx512 T2 div1/2 fl pipe", HandKernel<O, 2, 1, 4, true, true>},
  };
  return v;
}
const std::vector<HandVariant>& avx2_variants() {
  using hand::avx2::HandKernel;
  using O = hand::avx2::Ops;
  static const std::vector<HandVariant> v = {
      {"avx2 T2 div2/4 pipe", HandKernel<O, 2, 2, 4, true, true>},
      {"avx2 T1 div2/4", HandKernel<O, 1, 2, 4>},
      {"avx2 T1 div2/4 pipe", HandKernel<O, 1, 2, 4, true, true>},
      {"avx2 T2 div3/4 pipe", HandKernel<O, 2, 3, 4, true, true>},
      {"avx2 T2 div1/4 pipe", HandKernel<O, 2, 1, 4, true, true>},
      {"avx2 T2 div3/8 pipe", HandKernel<O, 2, 3, 4, true, true, 32>},
      {"avx2 T2 div5/8 pipe", HandKernel<O, 2, 5, 4, true, true, 32>},
      {"avx2 T1 div3/4 pipe", HandKernel<O, 1, 3, 4, true, true>},
      {"avx2 T1 div1/4 pipe", HandKernel<O, 1, 1, 4, true, true>},
      {"avx2 T1 div3/4", HandKernel<O, 1, 3, 4>},
  };
  return v;
}

std::string sci(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1e", v);
  return buf;
}

bool is_avx512_target(const std::string& t) { return t.rfind("AVX3", 0) == 0; }

struct Bodies {
  nbody::Sources s;
  std::vector<double> ax, ay, az;
  explicit Bodies(std::size_t n) : s(n), ax(n), ay(n), az(n) {
    std::vector<double> mass(n, 1.0 / static_cast<double>(n));
    s.set_masses(mass);
    std::uint64_t state = 12345;
    auto uniform = [&] {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      return static_cast<double>(state >> 11) * 0x1.0p-53;
    };
    for (std::size_t i = 0; i < n; ++i) {
      s.x[i] = uniform();
      s.y[i] = uniform();
      s.z[i] = uniform();
    }
  }
  std::size_t n() const { return s.size(); }
  // Whether the last call's accelerations are those of `other`, bit for bit.
  bool same_bits(const Bodies& o) const {
    return std::memcmp(ax.data(), o.ax.data(), n() * sizeof(double)) == 0 &&
           std::memcmp(ay.data(), o.ay.data(), n() * sizeof(double)) == 0 &&
           std::memcmp(az.data(), o.az.data(), n() * sizeof(double)) == 0;
  }
  // FNV-1a over the bits of ax, ay, az: compare results across builds and compilers.
  std::uint64_t hash() const {
    std::uint64_t h = 14695981039346656037ull;
    for (const auto* v : {&ax, &ay, &az}) {
      for (double d : *v) {
        std::uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        for (int k = 0; k < 8; ++k) h = (h ^ ((bits >> (8 * k)) & 0xff)) * 1099511628211ull;
      }
    }
    return h;
  }
  // Largest |a_this - a_other| / |a_other| over components.
  double max_rel_diff(const Bodies& o) const {
    double worst = 0;
    for (std::size_t i = 0; i < n(); ++i) {
      const double norm = std::sqrt(o.ax[i] * o.ax[i] + o.ay[i] * o.ay[i] + o.az[i] * o.az[i]);
      for (auto [a, b] : {std::pair{ax[i], o.ax[i]}, {ay[i], o.ay[i]}, {az[i], o.az[i]}}) {
        worst = std::max(worst, std::fabs(a - b) / norm);
      }
    }
    return worst;
  }
  double pairs() const { return static_cast<double>(n()) * static_cast<double>(n() - 1); }
  // Pairs per CPU second of one call of the product kernel / a hand kernel, one thread.
  double product() {
    const double t0 = cpu_now();
    nbody::gravity_targets(s.x.data(), s.y.data(), s.z.data(), s.m.data(), n(), 0, n(), kEps2,
                           ax.data(), ay.data(), az.data(), nullptr);
    return pairs() / (cpu_now() - t0);
  }
  double hand(Kernel k) {
    const double t0 = cpu_now();
    k(s.x.data(), s.y.data(), s.z.data(), s.m.data(), s.padded(), 0, n(), kEps2, ax.data(),
      ay.data(), az.data());
    return pairs() / (cpu_now() - t0);
  }
};

std::string ranges(const std::vector<double>& v, double scale) {
  const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f-%.3f", *lo / scale, *hi / scale);
  return buf;
}

// Max ulp error of m/r^3 (m = 1) per way of the hand kernel, against long double, over every
// 2^-20 step of r^2 in [1, 4) (the estimate's error repeats with each factor of 4) scaled to
// a few binades, and over log-uniform r^2 in [1e-6, 1e6].
template <class Fn>
void accuracy_of(const char* name, Fn factors) {
  std::vector<double> r2;
  for (int scale : {-40, -2, 0, 2, 38}) {
    for (std::uint64_t k = 0; k < (3u << 20); ++k) {
      r2.push_back(std::ldexp(1.0 + static_cast<double>(k) * 0x1.0p-20, scale));
    }
  }
  std::uint64_t state = 777;
  for (int k = 0; k < (1 << 20); ++k) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    r2.push_back(std::pow(10.0, -6.0 + 12.0 * static_cast<double>(state >> 11) * 0x1.0p-53));
  }
  while (r2.size() % 8) r2.push_back(1.0);
  std::vector<double> out(r2.size());
  for (int way = 0; way < 2; ++way) {
    factors(r2.data(), r2.size(), way, out.data());
    double worst = 0, at = 0;
    for (std::size_t k = 0; k < r2.size(); ++k) {
      const long double r = r2[k];
      const long double want = 1.0L / (r * std::sqrt(r));
      const double w = static_cast<double>(want);
      const double ulp = std::nextafter(w, INFINITY) - w;
      const double err = static_cast<double>(std::fabs(out[k] - want)) / ulp;
      if (err > worst) worst = err, at = r2[k];
    }
    std::printf("%s %-9s worst error of 1/r^3 over %zu r^2: %.2f ulp (r^2 = %.17g)\n", name,
                way == 0 ? "divider" : "estimate", r2.size(), worst, at);
  }
}

int accuracy() {
  std::printf("cpu %s\n", cpu_model().c_str());
  if (hwy::SupportedTargets() & (HWY_AVX3 | HWY_AVX3_DL)) {
    std::printf("vrsqrt14pd: max |1 - r2 w^2| over [1, 4) step 2^-24 = 2^%.2f\n",
                std::log2(hand::avx512::EstimateErrorBound()));
    accuracy_of("avx512 e^4", hand::avx512::PairFactors<4>);
    accuracy_of("avx512 e^3", hand::avx512::PairFactors<3>);
  }
  std::printf("vrsqrtps:   max |1 - r2 w^2| over [1, 4) step 2^-24 = 2^%.2f\n",
              std::log2(hand::avx2::EstimateErrorBound()));
  accuracy_of("avx2   e^4", hand::avx2::PairFactors<4>);
  return 0;
}

int variants(std::size_t n, int rounds) {
  const std::string target = simd::dispatched_target();
  const auto& vs = is_avx512_target(target) ? avx512_variants() : avx2_variants();
  Bodies b(n), ref(n);
  ref.product();
  std::printf("cpu %s\nN=%zu, 1 thread, medians of %d alternating rounds (G pairs/s per CPU s)\n",
              cpu_model().c_str(), n, rounds);
  std::vector<std::vector<double>> r(vs.size() + 1);
  b.product();
  for (const auto& v : vs) b.hand(v.kernel);
  for (int k = 0; k < rounds; ++k) {
    r[0].push_back(b.product());
    for (std::size_t i = 0; i < vs.size(); ++i) r[i + 1].push_back(b.hand(vs[i].kernel));
  }
  std::printf("  product (%-17s %.3f  (%s)\n", (target + ")").c_str(), median(r[0]) / 1e9,
              ranges(r[0], 1e9).c_str());
  for (std::size_t i = 0; i < vs.size(); ++i) {
    b.hand(vs[i].kernel);
    std::printf("  %-26s %.3f  (%s)  %s\n", vs[i].name, median(r[i + 1]) / 1e9,
                ranges(r[i + 1], 1e9).c_str(),
                b.same_bits(ref) ? "forces = product's bits"
                                 : ("max |a - a_product| / |a| = " + sci(b.max_rel_diff(ref))).c_str());
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  bench::select_target("bench_nbody_kernel");
  if (argc > 1 && std::strcmp(argv[1], "accuracy") == 0) return accuracy();
  if (argc > 1 && std::strcmp(argv[1], "variants") == 0) {
    return variants(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 8192,
                    argc > 3 ? std::atoi(argv[3]) : 3);
  }
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 16384;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 3;
  const char* omp = std::getenv("OMP_NUM_THREADS");
  const int threads = argc > 3 ? std::atoi(argv[3]) : (omp ? std::atoi(omp) : 1);
  const std::string target = simd::dispatched_target();
  // The hand kernels need AVX2 + FMA; below that (BENCH_TARGET=SSE4, ...) the product alone.
  const bool has_hand = is_avx512_target(target) || target == "AVX2";
  const HandVariant hand = is_avx512_target(target) ? avx512_variants()[0] : avx2_variants()[0];
  Bodies b(n);
  std::printf("cpu %s\n", cpu_model().c_str());

  b.product();  // warm up
  if (has_hand) b.hand(hand.kernel);
  std::vector<double> prod, ref, ratio;
  for (int r = 0; r < rounds; ++r) {
    prod.push_back(b.product());
    if (!has_hand) continue;
    ref.push_back(b.hand(hand.kernel));
    ratio.push_back(prod.back() / ref.back());
  }
  std::printf("nbody kernel  N=%zu  target=%s  1 thread: %.3f G interactions/s per CPU second\n",
              n, target.c_str(), median(prod) / 1e9);
  b.product();
  std::printf("forces_hash   N=%zu  target=%s  %016llx\n", n, target.c_str(),
              static_cast<unsigned long long>(b.hash()));
  if (!has_hand) {
    std::printf("hand kernel   none for target %s (AVX-512 and AVX2 only)\n", target.c_str());
  } else {
    std::printf("hand kernel   N=%zu  %s: %.3f G pairs/s per CPU second\n", n, hand.name,
                median(ref) / 1e9);
    std::printf("product / hand  N=%zu  %s: %.3f  (medians of %d alternating rounds; product "
                "%s, hand %s, ratios %s)\n",
                n, target.c_str(), median(ratio), rounds, ranges(prod, 1e9).c_str(),
                ranges(ref, 1e9).c_str(), ranges(ratio, 1).c_str());
  }
  if (threads > 1) {
    double best = 0;
    for (int r = 0; r < rounds; ++r) {
      const double t0 = timing::now();
      nbody::accelerations(b.s, 0, n, 1.0, kSoftening, {b.ax.data(), b.ay.data(), b.az.data()},
                           threads);
      best = std::max(best, b.pairs() / (timing::now() - t0));
    }
    std::printf("nbody kernel  N=%zu  %d threads: %.3f G interactions/s (%.3f G per thread)\n", n,
                threads, best / 1e9, best / 1e9 / threads);
  }
  return 0;
}
