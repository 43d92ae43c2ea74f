// Summaries of the per-rank phase timings.
#include "rankwise/timing/phase_timer.hpp"

#include <cstdio>
#include <stdexcept>

namespace rankwise::timing {

std::vector<PhaseSummary> summarise(std::span<const double> seconds, int ranks) {
  constexpr std::size_t phases = phase_names.size();
  if (ranks <= 0 || seconds.size() != phases * static_cast<std::size_t>(ranks)) {
    throw std::invalid_argument("summarise: table size does not match ranks x phases");
  }
  std::vector<PhaseSummary> out;
  for (std::size_t p = 0; p < phases; ++p) {
    PhaseSummary s{phase_names[p], seconds[p], 0.0, seconds[p], 0, 0.0};
    for (int r = 0; r < ranks; ++r) {
      const double v = seconds[static_cast<std::size_t>(r) * phases + p];
      s.mean += v;
      if (v < s.min) s.min = v;
      if (v > s.max) {
        s.max = v;
        s.max_rank = r;
      }
    }
    s.mean /= ranks;
    s.imbalance = s.mean > 0 ? s.max / s.mean - 1.0 : 0.0;
    out.push_back(s);
  }
  return out;
}

std::string format_table(const std::vector<PhaseSummary>& phases, double wall) {
  std::string out = "phase          min [s]      avg [s]      max [s]  max@rank  imbalance\n";
  char line[160];
  for (const auto& p : phases) {
    // The imbalance of a phase that took next to no time is noise, not something to act on.
    char imbalance[16] = "        -";
    if (p.max >= negligible_phase_seconds && p.max >= negligible_phase_share * wall) {
      std::snprintf(imbalance, sizeof imbalance, "%8.1f%%", 100.0 * p.imbalance);
    }
    std::snprintf(line, sizeof line, "%-11s %11.6f  %11.6f  %11.6f  %8d  %s\n", p.name.c_str(),
                  p.min, p.mean, p.max, p.max_rank, imbalance);
    out += line;
  }
  return out;
}

}  // namespace rankwise::timing
