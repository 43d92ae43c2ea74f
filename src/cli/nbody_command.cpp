// `rankwise nbody` options (placeholder until the driver lands).
#include "rankwise/cli/subcommands.hpp"

namespace rankwise::cli {

Subcommand make_nbody_command(CLI::App& app) {
  auto* sub = app.add_subcommand("nbody", "(not yet available)");
  return {sub, [](const parallel::Comm&, const std::string&) -> int {
            throw UsageError("nbody: this driver is not available yet");
          }};
}

}  // namespace rankwise::cli
