#pragma once
// Private to src/parallel and src/io: the Boost.MPI communicator behind Comm.
#include <boost/mpi/communicator.hpp>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::parallel {

struct Comm::Impl {
  boost::mpi::communicator comm;    ///< all traffic
  boost::mpi::communicator errors;  ///< only fail_together(), never blocks `comm`
};

}  // namespace rankwise::parallel
