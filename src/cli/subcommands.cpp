// The list of driver subcommands.
#include "rankwise/cli/subcommands.hpp"

namespace rankwise::cli {

std::vector<Subcommand> make_subcommands(CLI::App& app) {
  std::vector<Subcommand> subs;
  subs.push_back(make_pi_command(app));
  return subs;
}

}  // namespace rankwise::cli
