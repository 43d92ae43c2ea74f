// The list of driver subcommands.
#include "rankwise/cli/subcommands.hpp"

namespace rankwise::cli {

std::vector<Subcommand> make_subcommands(CLI::App& app) {
  std::vector<Subcommand> subs;
  subs.push_back(make_pi_command(app));
  subs.push_back(make_nbody_command(app));
  subs.push_back(make_polygons_command(app));
  return subs;
}

}  // namespace rankwise::cli
