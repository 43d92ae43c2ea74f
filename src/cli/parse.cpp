// Checked parsing of counts and reals for the command line.
#include "rankwise/cli/parse.hpp"

#include <cerrno>
#include <cmath>
#include <algorithm>
#include <cstdlib>

#include "rankwise/errors.hpp"

namespace rankwise::cli {
namespace {
std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}
}  // namespace

std::uint64_t parse_count(const std::string& text, const std::string& option, std::uint64_t max) {
  const std::string s = trimmed(text);
  const std::string bad = option + ": expected a positive whole number such as 1000 or 1e9, got '" +
                          text + "'";
  if (s.empty()) throw UsageError(bad);
  if (s.find_first_not_of("0123456789") == std::string::npos) {
    errno = 0;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
    if (errno == ERANGE || v > max) {
      throw UsageError(option + ": " + text + " is too large (at most " + std::to_string(max) + ")");
    }
    if (v == 0) throw UsageError(option + ": must be at least 1, got 0");
    return v;
  }
  if (s.find_first_not_of("0123456789.eE+-") != std::string::npos) throw UsageError(bad);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') throw UsageError(bad);
  if (errno == ERANGE || !std::isfinite(v) || v > static_cast<double>(max)) {
    throw UsageError(option + ": " + text + " is too large (at most " + std::to_string(max) + ")");
  }
  if (v < 0) throw UsageError(option + ": must be positive, got " + text);
  if (v < 1) throw UsageError(option + ": must be at least 1, got " + text);
  if (v != std::floor(v)) throw UsageError(option + ": must be a whole number, got " + text);
  return static_cast<std::uint64_t>(v);
}

std::uint64_t parse_seed(const std::string& text, const std::string& option) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos) {
    throw UsageError(option + ": expected a non-negative integer, got '" + text + "'");
  }
  errno = 0;
  const unsigned long long v = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE) throw UsageError(option + ": " + text + " does not fit in 64 bits");
  return v;
}

double parse_real(const std::string& text, const std::string& option, bool positive) {
  const std::string s = trimmed(text);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end == s.c_str() || *end != '\0') {
    throw UsageError(option + ": expected a number, got '" + text + "'");
  }
  if (!std::isfinite(v) || errno == ERANGE) {
    throw UsageError(option + ": must be a finite number, got " + text);
  }
  if (positive && !(v > 0)) throw UsageError(option + ": must be greater than 0, got " + text);
  return v;
}

std::string closest(const std::string& word, const std::vector<std::string>& candidates,
                    std::size_t max_distance) {
  std::string best;
  std::size_t best_distance = max_distance + 1;
  for (const auto& c : candidates) {
    // Levenshtein distance, one row at a time.
    std::vector<std::size_t> row(c.size() + 1);
    for (std::size_t j = 0; j <= c.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= c.size(); ++j) {
        const std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                           diagonal + (word[i - 1] == c[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[c.size()] < best_distance) {
      best_distance = row[c.size()];
      best = c;
    }
  }
  return best;
}

int default_threads() {
  const char* env = std::getenv("OMP_NUM_THREADS");
  if (env == nullptr) return 1;
  char* end = nullptr;
  const long v = std::strtol(env, &end, 10);  // "4" or the first level of "4,2"
  if (end == env || v < 1 || v > 4096) return 1;
  return static_cast<int>(v);
}

}  // namespace rankwise::cli
