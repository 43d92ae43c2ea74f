#pragma once
/// Scattering variable-sized data from root: Boost.Serialization objects through Boost.MPI, or
/// flat arrays of native numbers through MPI_Scatterv. Both are implemented in
/// src/parallel/serialized_scatter.cpp, so no MPI header leaks out of src/parallel.
#include <cstdint>
#include <span>
#include <vector>

#include "rankwise/parallel/comm.hpp"

namespace rankwise::parallel {

/// collective: rank r receives root's `blocks[r]` (root passes one block per rank; other ranks
/// pass an empty vector), sent with boost::mpi::scatter, i.e. each block serialized into a
/// packed archive. T needs a Boost.Serialization serialize(); it is instantiated in
/// src/parallel/serialized_scatter.cpp for the types listed there (polygons::PolygonSet).
template <class T>
[[nodiscard]] T scatter_serialized(const Comm& comm, const std::vector<T>& blocks, int root = 0);

/// collective: rank r receives root's data[offsets[r], offsets[r] + counts[r]) into `out`,
/// which each rank sizes to its own count beforehand (MPI_Scatterv, no copy or packing).
/// counts/offsets matter on root only. Throws ResourceError above 2^31-1 elements per rank.
void scatter_v(const Comm& comm, std::span<const double> data,
               std::span<const std::uint64_t> counts, std::span<const std::uint64_t> offsets,
               std::span<double> out, int root = 0);
void scatter_v(const Comm& comm, std::span<const std::uint64_t> data,
               std::span<const std::uint64_t> counts, std::span<const std::uint64_t> offsets,
               std::span<std::uint64_t> out, int root = 0);

}  // namespace rankwise::parallel
