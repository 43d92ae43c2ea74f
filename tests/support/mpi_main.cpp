// GoogleTest main for rankwise tests: MPI is initialised (FUNNELED) for the whole run, and
// only rank 0 prints results so output from several ranks does not interleave.
#include <gtest/gtest.h>

#include "rankwise/parallel/comm.hpp"

int main(int argc, char** argv) {
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
