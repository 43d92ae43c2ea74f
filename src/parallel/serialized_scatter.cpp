// Scatter of serialized objects (Boost.MPI) and of flat native arrays (MPI_Scatterv).
#include "rankwise/parallel/serialized_scatter.hpp"

#include <boost/mpi/collectives/scatter.hpp>
#include <boost/serialization/vector.hpp>
#include <mpi.h>

#include <limits>
#include <string>

#include "comm_impl.hpp"
#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::parallel {
namespace {

int checked(std::uint64_t n) {
  if (n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) {
    throw ResourceError("scatter: " + std::to_string(n) +
                        " elements for one rank exceed MPI's int count");
  }
  return static_cast<int>(n);
}

template <class T>
void scatter_native(const Comm& comm, std::span<const T> data,
                    std::span<const std::uint64_t> counts, std::span<const std::uint64_t> offsets,
                    std::span<T> out, int root, MPI_Datatype type) {
  std::vector<int> c;
  std::vector<int> o;
  if (comm.rank() == root) {
    for (std::size_t r = 0; r < counts.size(); ++r) {
      c.push_back(checked(counts[r]));
      o.push_back(checked(offsets[r]));  // displacements are ints too
    }
  }
  MPI_Scatterv(data.data(), c.data(), o.data(), type, out.data(), checked(out.size()), type,
               root, comm.impl().comm);
}

}  // namespace

template <class T>
T scatter_serialized(const Comm& comm, const std::vector<T>& blocks, int root) {
  T mine;
  if (comm.rank() == root) {
    boost::mpi::scatter(comm.impl().comm, blocks, mine, root);
  } else {
    boost::mpi::scatter(comm.impl().comm, mine, root);
  }
  return mine;
}

template polygons::PolygonSet scatter_serialized<polygons::PolygonSet>(
    const Comm&, const std::vector<polygons::PolygonSet>&, int);

void scatter_v(const Comm& comm, std::span<const double> data,
               std::span<const std::uint64_t> counts, std::span<const std::uint64_t> offsets,
               std::span<double> out, int root) {
  scatter_native(comm, data, counts, offsets, out, root, MPI_DOUBLE);
}

void scatter_v(const Comm& comm, std::span<const std::uint64_t> data,
               std::span<const std::uint64_t> counts, std::span<const std::uint64_t> offsets,
               std::span<std::uint64_t> out, int root) {
  scatter_native(comm, data, counts, offsets, out, root, MPI_UINT64_T);
}

}  // namespace rankwise::parallel
