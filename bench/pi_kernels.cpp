// Per-core throughput of the pi kernels (one process, one thread), median of repeats, per CPU
// second (wall seconds before 2026-11-29; the same on a quiet machine):
//   series at full accuracy (SIMD chunk kernel + exact accumulation), terms/s
//   a plain scalar C loop (naive double sum, for scale), terms/s
//   Monte Carlo (vectorised Philox4x32-10), samples/s
// and, in the same run, the product against hand-written references for the instruction set
// of the Highway target that ran (pi_hand_kernels.hpp, bench only; issue #15):
//   series_divider_bound  the series kernel (one division per term) against the divider's
//                         issue rate: vector divisions/s x lanes = terms/s if each term cost
//                         exactly one lane of a division
//   montecarlo_hand       Monte Carlo against a hand-written intrinsics Philox4x32-10 kernel
//                         (its hits must equal the product's: MISMATCH and exit 1 otherwise)
// Product and reference alternate for `rounds` rounds, each a median of `repeats` runs (CPU
// time); the per-round figures are printed, then the medians and the median of the ratios.
// The series comparison needs N > 2^20 (below, the product takes its double-double path).
// Usage: bench_pi_kernels [series_terms=2e9] [mc_samples=4e8] [repeats=5] [rounds=3]
//        bench_pi_kernels shapes [series_terms] [mc_samples] [repeats] [rounds]
//            every hand-kernel shape compiled in (for re-tuning on another CPU)
// BENCH_TARGET=AVX2 (or SSE4, ...) measures that Highway target on a CPU that has better ones;
// the references follow the target (AVX3* -> AVX-512, AVX2 -> AVX2, none for the others).
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <hwy/targets.h>

#include "bench/pi_hand_kernels.hpp"
#include "bench_support.hpp"
#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"
#include "rankwise/simd/target.hpp"
#include "rankwise/timing/phase_timer.hpp"

using namespace rankwise;

namespace {
using bench::cpu_now;

template <class F>
double median_seconds(int repeats, F&& f) {
  std::vector<double> t;
  for (int r = 0; r < repeats; ++r) {
    const double t0 = cpu_now();
    f();
    t.push_back(cpu_now() - t0);
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

#if defined(__clang__)
#define BENCH_NOINLINE __attribute__((noinline))  // clang has no noipa
#else
#define BENCH_NOINLINE __attribute__((noipa))
#endif

// The loop a C programmer writes first: one accumulator, one division per term.
BENCH_NOINLINE double scalar_loop(std::uint64_t n) {
  // A side effect, so that clang cannot treat the call as pure and hoist it out of the timing.
  asm volatile("" ::: "memory");
  const double h = 1.0 / static_cast<double>(n);
  double sum = 0.0;
  for (std::uint64_t i = 1; i <= n; ++i) {
    const double x = (static_cast<double>(i) - 0.5) * h;
    sum += 1.0 / (1.0 + x * x);
  }
  return 4.0 * sum * h;
}

volatile double g_sink = 0;  // results of timed calls go here, so no call can be dropped

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// One round's rates (G per CPU second) of the product and of the hand-written reference.
struct Round {
  double product = 0;
  double reference = 0;
  double ratio() const { return product / reference; }
};

void print_round(const char* name, const std::string& path, int r, const char* ref_label,
                 const Round& x, const char* unit) {
  std::printf("%s_round %d path=%s product=%.3f %s=%.3f ratio=%.3f  %s\n", name, r, path.c_str(),
              x.product, ref_label, x.reference, x.ratio(), unit);
}

// Medians over the rounds; the ratio is the median of the per-round ratios.
void print_summary(const char* name, const std::string& path, const char* ref_label,
                   const std::vector<Round>& rounds, const char* unit, const char* note) {
  std::vector<double> p, ref, ratio;
  for (const Round& x : rounds) {
    p.push_back(x.product);
    ref.push_back(x.reference);
    ratio.push_back(x.ratio());
  }
  std::printf("%s path=%s product=%.3f %s=%.3f ratio=%.3f  %s  (medians of %zu rounds; %s)\n", name,
              path.c_str(), median(p), ref_label, median(ref), median(ratio), unit, rounds.size(), note);
}

// The product series kernel against the divider bound of its instruction set.
void compare_series(std::uint64_t terms, int repeats, int rounds, const std::string& path) {
  if (terms <= pi::series_exact_terms_limit) {
    std::printf("series_divider_bound skipped: N <= 2^20 takes the double-double path\n");
    return;
  }
  const hand::pi::DividerShape* ref = hand::pi::divider_reference(hand::pi::isa_for_target(path));
  if (ref == nullptr) {
    std::printf("series_divider_bound path=%s: no hand reference for this target\n", path.c_str());
    return;
  }
  const double lanes = hand::pi::double_lanes(ref->isa);
  // As many vector divisions as the product does, so both run for about the same time.
  const auto divisions = static_cast<std::uint64_t>(static_cast<double>(terms) / lanes);
  std::vector<Round> rs;
  for (int r = 1; r <= rounds; ++r) {
    const double tp = median_seconds(repeats, [&] {
      g_sink = pi::series_estimate(pi::series_partial(terms, {0, pi::series_chunks(terms)}, 1), terms);
    });
    hand::pi::DividerRun run;
    const double tr = median_seconds(repeats, [&] { run = ref->run(divisions); });
    g_sink = run.checksum;
    rs.push_back({static_cast<double>(terms) / tp / 1e9,
                  static_cast<double>(run.vector_divisions) * lanes / tr / 1e9});
    print_round("series_divider_bound", path, r, "bound", rs.back(), "G terms/s");
  }
  char note[160];
  std::snprintf(note, sizeof note, "bound = %s: %.3f G divisions/s x %.0f lanes", ref->name,
                median([&] {
                  std::vector<double> b;
                  for (const Round& x : rs) b.push_back(x.reference / lanes);
                  return b;
                }()),
                lanes);
  print_summary("series_divider_bound", path, "bound", rs, "G terms/s", note);
}

// The product Monte Carlo against the hand Philox kernel; false if their hits differ.
bool compare_montecarlo(std::uint64_t samples, int repeats, int rounds, const std::string& path) {
  const hand::pi::PhiloxShape* ref = hand::pi::philox_reference(hand::pi::isa_for_target(path));
  if (ref == nullptr) {
    std::printf("montecarlo_hand path=%s: no hand kernel for this target\n", path.c_str());
    return true;
  }
  std::vector<Round> rs;
  std::uint64_t product_hits = 0, hand_hits = 0;
  for (int r = 1; r <= rounds; ++r) {
    const double tp = median_seconds(repeats, [&] { product_hits = pi::montecarlo_hits(1, {0, samples}, 1); });
    const double th = median_seconds(repeats, [&] { hand_hits = hand::pi::philox_hits(*ref, 1, 0, samples); });
    if (hand_hits != product_hits) {
      std::printf("montecarlo_hand MISMATCH path=%s %s: %llu hits, product %llu\n", path.c_str(), ref->name,
                  static_cast<unsigned long long>(hand_hits), static_cast<unsigned long long>(product_hits));
      return false;
    }
    rs.push_back({static_cast<double>(samples) / tp / 1e9, static_cast<double>(samples) / th / 1e9});
    print_round("montecarlo_hand", path, r, "hand", rs.back(), "G samples/s");
  }
  char note[160];
  std::snprintf(note, sizeof note, "hand = %s; hits equal, %llu", ref->name,
                static_cast<unsigned long long>(product_hits));
  print_summary("montecarlo_hand", path, "hand", rs, "G samples/s", note);
  return true;
}

// Every hand-kernel shape this CPU can run, `rounds` times in turn: for re-tuning.
int measure_shapes(std::uint64_t terms, std::uint64_t samples, int repeats, int rounds) {
  const std::uint64_t want = pi::montecarlo_hits(1, {0, samples}, 1);
  std::vector<std::vector<double>> div_rates(hand::pi::divider_shapes().size());
  std::vector<std::vector<double>> mc_rates(hand::pi::philox_shapes().size());
  for (int r = 1; r <= rounds; ++r) {
    for (std::size_t i = 0; i < div_rates.size(); ++i) {
      const auto& s = hand::pi::divider_shapes()[i];
      if (!hand::pi::cpu_has(s.isa)) continue;
      const double lanes = hand::pi::double_lanes(s.isa);
      hand::pi::DividerRun run;
      const auto divisions = static_cast<std::uint64_t>(static_cast<double>(terms) / lanes);
      const double t = median_seconds(repeats, [&] { run = s.run(divisions); });
      g_sink = run.checksum;
      div_rates[i].push_back(static_cast<double>(run.vector_divisions) * lanes / t / 1e9);
      std::printf("shape_round %d divider  %-28s %.3f G terms/s\n", r, s.name, div_rates[i].back());
    }
    for (std::size_t i = 0; i < mc_rates.size(); ++i) {
      const auto& s = hand::pi::philox_shapes()[i];
      if (!hand::pi::cpu_has(s.isa)) continue;
      std::uint64_t hits = 0;
      const double t = median_seconds(repeats, [&] { hits = hand::pi::philox_hits(s, 1, 0, samples); });
      mc_rates[i].push_back(static_cast<double>(samples) / t / 1e9);
      std::printf("shape_round %d philox   %-28s %.3f G samples/s%s\n", r, s.name, mc_rates[i].back(),
                  hits == want ? "" : "  MISMATCH");
      if (hits != want) return 1;
    }
  }
  for (std::size_t i = 0; i < div_rates.size(); ++i) {
    if (!div_rates[i].empty())
      std::printf("shape divider  %-28s %.3f G terms/s (median)\n", hand::pi::divider_shapes()[i].name, median(div_rates[i]));
  }
  for (std::size_t i = 0; i < mc_rates.size(); ++i) {
    if (!mc_rates[i].empty())
      std::printf("shape philox   %-28s %.3f G samples/s (median)\n", hand::pi::philox_shapes()[i].name, median(mc_rates[i]));
  }
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  const bool shapes = argc > 1 && std::strcmp(argv[1], "shapes") == 0;
  if (shapes) {
    --argc;
    ++argv;
  }
  const auto terms = static_cast<std::uint64_t>(argc > 1 ? std::atof(argv[1]) : 2e9);
  const auto samples = static_cast<std::uint64_t>(argc > 2 ? std::atof(argv[2]) : 4e8);
  const int repeats = std::max(1, argc > 3 ? std::atoi(argv[3]) : 5);
  const int rounds = std::max(1, argc > 4 ? std::atoi(argv[4]) : 3);
  if (shapes) return measure_shapes(terms, samples, repeats, rounds);
  bench::select_target("bench_pi_kernels");
  const std::string path = simd::dispatched_target();
  std::printf("simd_target %s\n", path.c_str());

  double estimate = 0;
  const double ts = median_seconds(repeats, [&] {
    estimate = pi::series_estimate(pi::series_partial(terms, {0, pi::series_chunks(terms)}, 1), terms);
  });
  std::printf("series_full_accuracy  N=%.3g  %.3f G terms/s  (estimate %.17g)\n",
              static_cast<double>(terms), static_cast<double>(terms) / ts / 1e9, estimate);

  double naive = 0;
  const double tn = median_seconds(repeats, [&] { naive = scalar_loop(terms); });
  std::printf("scalar_c_loop         N=%.3g  %.3f G terms/s  (estimate %.17g, naive sum)\n",
              static_cast<double>(terms), static_cast<double>(terms) / tn / 1e9, naive);

  std::uint64_t hits = 0;
  const double tm = median_seconds(repeats, [&] { hits = pi::montecarlo_hits(1, {0, samples}, 1); });
  std::printf("montecarlo_philox     N=%.3g  %.3f G samples/s  (estimate %.6f, %llu hits)\n",
              static_cast<double>(samples), static_cast<double>(samples) / tm / 1e9,
              4.0 * static_cast<double>(hits) / static_cast<double>(samples),
              static_cast<unsigned long long>(hits));

  // The bits of the first chunk sums (hi, lo) of the series, to compare builds (compilers).
  std::uint64_t h = 14695981039346656037ull;
  const std::uint64_t chunks = std::min<std::uint64_t>(pi::series_chunks(terms), 4096);
  for (std::uint64_t c = 0; c < chunks; ++c) {
    double parts[2];
    pi::series_chunk_sum(terms, c, parts[0], parts[1]);
    for (double d : parts) {
      std::uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      for (int k = 0; k < 8; ++k) h = (h ^ ((bits >> (8 * k)) & 0xff)) * 1099511628211ull;
    }
  }
  std::printf("series_chunk_hash     N=%.3g  first %llu chunks  %016llx\n",
              static_cast<double>(terms), static_cast<unsigned long long>(chunks),
              static_cast<unsigned long long>(h));

  compare_series(terms, repeats, rounds, path);
  return compare_montecarlo(samples, repeats, rounds, path) ? 0 : 1;
}
