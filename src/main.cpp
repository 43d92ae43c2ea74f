// rankwise: start MPI, hand the command line to the CLI, return its exit code.
#include <unistd.h>

#include <cstdio>
#include <exception>

#include "rankwise/cli/app.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/parallel/comm.hpp"

int main(int argc, char** argv) {
  try {
    rankwise::parallel::Environment environment(argc, argv);
    const rankwise::parallel::Comm world;
    const int code = rankwise::cli::run(argc, argv, world);
    if (rankwise::io::abandoned_files()) {
      // An output failed mid-write: HDF5 and MPI shutdown would both touch the broken file
      // (a collective close some rank may never join). The error is reported and the
      // temporary removed; end here.
      std::fflush(nullptr);
      _exit(code);
    }
    return code;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rankwise: error: %s\n", e.what());
    return 1;
  }
}
