// GoogleTest main for rankwise tests: MPI is initialised (FUNNELED) for the whole run, and
// only rank 0 prints results so output from several ranks does not interleave.
// RANKWISE_TESTS_WITHOUT_MPI=1 runs the tests without initialising MPI, for the ThreadSanitizer
// run of the OpenMP kernel tests (scripts/ci-sanitize.sh), which need no MPI: there, Open MPI's
// PMIx thread raced TSan's report symbolizer against MPI_Finalize's dlclose() and deadlocked.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string_view>

#include "rankwise/parallel/comm.hpp"

int main(int argc, char** argv) {
  const char* no_mpi = std::getenv("RANKWISE_TESTS_WITHOUT_MPI");
  if (no_mpi != nullptr && std::string_view(no_mpi) == "1") {
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
  }
  rankwise::parallel::Environment environment(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  int failed = 0;
  {
    const rankwise::parallel::Comm world;
    if (!world.is_root()) {
      auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
      delete listeners.Release(listeners.default_result_printer());
    }
    failed = RUN_ALL_TESTS();
    // Any rank's failure fails the test on every rank (exit code from all ranks agrees).
    failed = world.any(failed != 0) ? 1 : 0;
  }
  return failed;
}
