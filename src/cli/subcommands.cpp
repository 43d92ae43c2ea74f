// The list of driver subcommands.
#include "rankwise/cli/subcommands.hpp"

#include "rankwise/errors.hpp"

namespace rankwise::cli {

void refuse_inapplicable(const CLI::App& sub, std::initializer_list<Applies> rules) {
  for (const Applies& rule : rules) {
    if (rule.holds) continue;
    // count(): results from the command line, --config or the environment, not defaults.
    if (sub.get_option(rule.option)->count() > 0) {
      throw UsageError(std::string(rule.option) + ": " + rule.why);
    }
  }
}

std::vector<Subcommand> make_subcommands(CLI::App& app) {
  std::vector<Subcommand> subs;
  subs.push_back(make_pi_command(app));
  subs.push_back(make_nbody_command(app));
  subs.push_back(make_polygons_command(app));
  return subs;
}

}  // namespace rankwise::cli
