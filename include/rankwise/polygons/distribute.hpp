#pragma once
/// Moving polygons from the reading rank to every rank, and results back.
#include <cstdint>
#include <span>
#include <vector>

#include "rankwise/parallel/comm.hpp"
#include "rankwise/polygons/polygon_set.hpp"

namespace rankwise::polygons {

/// How root sends each rank its records.
enum class ScatterMethod {
  flat,        ///< counts broadcast, then MPI_Scatterv of offsets and coordinates (default)
  serialized,  ///< one PolygonSet per rank via Boost.MPI + Boost.Serialization
};

/// collective: rank r receives records [bounds[r], bounds[r+1]) of root's `all` (other ranks
/// pass an empty set and empty bounds), first_record set to its global index.
[[nodiscard]] PolygonSet scatter_polygons(const parallel::Comm& comm, const PolygonSet& all,
                                          std::span<const std::uint64_t> bounds,
                                          ScatterMethod method);

/// collective: every rank's `local` values concatenated in rank order on root (empty
/// elsewhere); with contiguous record ranges that is record order.
[[nodiscard]] std::vector<double> gather_in_order(const parallel::Comm& comm,
                                                  std::span<const double> local);

}  // namespace rankwise::polygons
