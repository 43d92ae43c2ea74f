#pragma once
/// The `rankwise` command line: subcommands, common options, error reporting.
#include "rankwise/parallel/comm.hpp"

namespace rankwise::cli {

/// collective: parse argv, run the chosen subcommand on every rank, report errors once;
/// returns the process exit code (0 ok, 1 failure, 2 usage).
[[nodiscard]] int run(int argc, char** argv, const parallel::Comm& comm);

}  // namespace rankwise::cli
