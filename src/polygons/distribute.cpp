// Scatter of polygon ranges (flat or serialized) and gather of per-record results.
#include "rankwise/polygons/distribute.hpp"

#include <climits>
#include <cstring>

#include "rankwise/errors.hpp"
#include "rankwise/parallel/serialized_scatter.hpp"

namespace rankwise::polygons {
namespace {

// Per rank: first/end record, first/end ring, first/end vertex (root computes, all receive).
constexpr std::size_t extent_fields = 6;

std::vector<std::uint64_t> extents(const PolygonSet& all, std::span<const std::uint64_t> bounds) {
  std::vector<std::uint64_t> e;
  for (std::size_t r = 0; r + 1 < bounds.size(); ++r) {
    const std::uint64_t ring0 = all.record_start[bounds[r]];
    const std::uint64_t ring1 = all.record_start[bounds[r + 1]];
    e.insert(e.end(), {bounds[r], bounds[r + 1], ring0, ring1, all.ring_start[ring0],
                       all.ring_start[ring1]});
  }
  return e;
}

PolygonSet scatter_flat(const parallel::Comm& comm, const PolygonSet& all,
                        std::span<const std::uint64_t> bounds) {
  std::vector<std::uint64_t> table;
  if (comm.is_root()) table = extents(all, bounds);
  comm.broadcast(table);
  const auto ranks = static_cast<std::size_t>(comm.size());
  std::vector<std::uint64_t> count[3], offset[3];  // records, rings, vertices
  for (std::size_t r = 0; r < ranks; ++r) {
    for (std::size_t k = 0; k < 3; ++k) {
      offset[k].push_back(table[r * extent_fields + 2 * k]);
      count[k].push_back(table[r * extent_fields + 2 * k + 1] - offset[k].back());
    }
  }
  // Every rank holds the same table, so every rank reaches this verdict before any
  // MPI_Scatterv starts (a throw on root alone would leave the others waiting).
  for (std::size_t k = 0; k < 3; ++k) {
    if (offset[k].back() + count[k].back() > static_cast<std::uint64_t>(INT_MAX)) {
      throw ResourceError("polygons: more than 2^31-1 vertices, rings or records exceed MPI's "
                          "int displacements; split the input into several files");
    }
  }
  const auto me = static_cast<std::size_t>(comm.rank());
  const std::uint64_t* mine = &table[me * extent_fields];
  PolygonSet out;
  out.first_record = mine[0];
  out.record_start.resize(count[0][me] + 1);
  out.ring_start.resize(count[1][me] + 1);
  out.x.resize(count[2][me]);
  out.y.resize(count[2][me]);
  // Each rank receives its own offsets (not the shared end entry, so no element is sent twice)
  // and appends its end itself; offsets are rebased to its first ring / vertex.
  parallel::scatter_v(comm, all.record_start, count[0], offset[0],
                      std::span(out.record_start).first(count[0][me]));
  parallel::scatter_v(comm, all.ring_start, count[1], offset[1],
                      std::span(out.ring_start).first(count[1][me]));
  parallel::scatter_v(comm, all.x, count[2], offset[2], out.x);
  parallel::scatter_v(comm, all.y, count[2], offset[2], out.y);
  out.record_start.back() = mine[3];
  for (auto& v : out.record_start) v -= mine[2];
  out.ring_start.back() = mine[5];
  for (auto& v : out.ring_start) v -= mine[4];
  return out;
}

PolygonSet scatter_objects(const parallel::Comm& comm, const PolygonSet& all,
                           std::span<const std::uint64_t> bounds) {
  std::vector<PolygonSet> blocks;
  if (comm.is_root()) {
    for (std::size_t r = 0; r + 1 < bounds.size(); ++r) {
      blocks.push_back(all.slice(bounds[r], bounds[r + 1]));
      blocks.back().first_record = bounds[r];
    }
  }
  return parallel::scatter_serialized(comm, blocks);
}

}  // namespace

PolygonSet scatter_polygons(const parallel::Comm& comm, const PolygonSet& all,
                            std::span<const std::uint64_t> bounds, ScatterMethod method) {
  return method == ScatterMethod::flat ? scatter_flat(comm, all, bounds)
                                       : scatter_objects(comm, all, bounds);
}

std::vector<double> gather_in_order(const parallel::Comm& comm, std::span<const double> local) {
  const auto blocks = comm.gather_v(
      std::span(reinterpret_cast<const char*>(local.data()), local.size_bytes()));
  std::vector<double> out;
  for (const auto& b : blocks) {
    // A rank holding no records (more ranks than records) sends an empty block, whose data()
    // may be null: memcpy must not see it even with size 0 (UBSan: nonnull argument).
    const std::size_t n = b.size() / sizeof(double);
    if (n == 0) continue;
    const std::size_t at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, b.data(), n * sizeof(double));
  }
  return out;
}

}  // namespace rankwise::polygons
