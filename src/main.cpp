// rankwise: start MPI, hand the command line to the CLI, return its exit code.
#include <cstdio>
#include <exception>

#include "rankwise/cli/app.hpp"
#include "rankwise/parallel/comm.hpp"

int main(int argc, char** argv) {
  try {
    rankwise::parallel::Environment environment(argc, argv);
    const rankwise::parallel::Comm world;
    return rankwise::cli::run(argc, argv, world);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rankwise: error: %s\n", e.what());
    return 1;
  }
}
