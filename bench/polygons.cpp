// Benchmarks of `rankwise polygons` (figures for docs/performance.md):
//   bench_polygons kernels [vertices]        geodesic and planar rates on one core, in memory
//                                            (per CPU second, best of repeats)
//   bench_polygons file F.shp [geodesic|planar|both]   one core, reading included, against
//                                            the touch floor (map + fault in + load every byte)
//   mpiexec -n P bench_polygons scatter [vertices]     flat MPI_Scatterv vs Boost serialized
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "bench_support.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/polygons/area.hpp"
#include "rankwise/polygons/distribute.hpp"
#include "rankwise/polygons/measure.hpp"
#include "rankwise/polygons/partition.hpp"
#include "rankwise/polygons/shapefile.hpp"
#include "rankwise/polygons/synthetic.hpp"
#include "rankwise/simd/target.hpp"
#include "rankwise/timing/phase_timer.hpp"

using namespace rankwise;
using namespace rankwise::polygons;

namespace {

using bench::cpu_now;

// Best CPU time of `repeats` calls of f (one thread).
double best_of(int repeats, const auto& f) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const double t0 = cpu_now();
    f();
    best = std::min(best, cpu_now() - t0);
  }
  return best;
}

// FNV-1a over the bits of the doubles.
std::uint64_t fnv1a(const std::vector<double>& v, std::uint64_t h = 14695981039346656037ull) {
  for (double d : v) {
    std::uint64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    for (int k = 0; k < 8; ++k) h = (h ^ ((bits >> (8 * k)) & 0xff)) * 1099511628211ull;
  }
  return h;
}

void kernels(std::uint64_t vertices) {
  const auto geo = generate(vertices / 64, 1, Crs::geographic, 64);
  const auto proj = generate(vertices / 64, 1, Crs::projected, 64);
  const double vg = static_cast<double>(geo.polygons.vertices());
  const double vp = static_cast<double>(proj.polygons.vertices());
  Measurements mg, mp;
  const double tg = best_of(3, [&] { mg = measure(geo.polygons, AreaMode::geodesic, 1); });
  const double tp = best_of(5, [&] { mp = measure(proj.polygons, AreaMode::planar, 1); });
  double sink = 0;
  const double tk = best_of(5, [&] {
    for (std::uint64_t r = 0; r < proj.polygons.records(); ++r) sink += planar_area(proj.polygons, r).area;
  });
  std::printf("geodesic  measure(): %.0f vertices in %.3f s = %.3f M vertices/s per core\n", vg, tg,
              vg / tg / 1e6);
  std::printf("planar    measure(): %.0f vertices in %.4f s = %.1f M vertices/s per core "
              "(with per-polygon timing)\n", vp, tp, vp / tp / 1e6);
  std::printf("planar    kernel   : %.0f vertices in %.4f s = %.1f M vertices/s per core "
              "(checksum %.6g)\n", vp, tk, vp / tk / 1e6, sink);
  // The results' bits, to compare builds (e.g. compilers): geodesic areas and perimeters,
  // planar areas.
  std::printf("results_hash geodesic %016llx planar %016llx\n",
              static_cast<unsigned long long>(fnv1a(mg.area_m2, fnv1a(mg.perimeter_m))),
              static_cast<unsigned long long>(fnv1a(mp.area_planar)));
}

// The reference for "reading included", measured in the same run: the least any reader of this
// file has to do here. Map the .shp, fault it in (MADV_POPULATE_READ, as the product does) and
// load every byte once (a sum of 64-bit words), parsing nothing. Bench only.
double touch_floor(const std::string& shp) {
  const int fd = ::open(shp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(shp + ": cannot open");
  struct stat st {};
  ::fstat(fd, &st);
  const auto size = static_cast<std::size_t>(st.st_size);
  const double t0 = timing::now();
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) throw std::runtime_error(shp + ": cannot map");
  (void)::madvise(map, size, 22);  // MADV_POPULATE_READ
  const auto* words = static_cast<const std::uint64_t*>(map);
  std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  const std::size_t n = size / 8;
  for (std::size_t i = 0; i + 4 <= n; i += 4) {
    s0 += words[i];
    s1 += words[i + 1];
    s2 += words[i + 2];
    s3 += words[i + 3];
  }
  const double t1 = timing::now();
  ::munmap(map, size);
  volatile std::uint64_t sink = s0 + s1 + s2 + s3;
  (void)sink;
  return t1 - t0;
}

void file(const std::string& path, const std::string& mode_name) {
  const AreaMode mode = mode_name == "planar" ? AreaMode::planar
                      : mode_name == "both"   ? AreaMode::both
                                              : AreaMode::geodesic;
  const std::string shp = sibling(path, "shp");
  double open_s = 1e300, read_s = 1e300, total_s = 1e300, floor_s = 1e300;
  std::uint64_t vertices = 0;
  // The driver's one-rank path: open and check the shapefile (names read from the .dbf), then
  // read and measure it in chunks (measure_file); "read" is the open plus every chunk's
  // reading (for planar areas: faulting the pages in; the parsing is fused with the sums).
  // Alternated with the touch floor, best of 5 each.
  for (int i = 0; i < 5; ++i) {
    const double t0 = timing::now();
    ShapefileReader f(path, "");
    double chunk_reads = 0;
    double v = 0;
    const double t1 = timing::now();
    Measurements m = unmeasured(f.records());
    MeasureWorkspace workspace(1);
    measure_file(f, 0, f.records(), mode, 1, m, workspace, [&](const ChunkDone& c) {
      chunk_reads += c.read_seconds;
      v = c.vertices;
    });
    const double t2 = timing::now();
    open_s = std::min(open_s, t1 - t0);
    read_s = std::min(read_s, t1 - t0 + chunk_reads);
    total_s = std::min(total_s, t2 - t0);
    vertices = static_cast<std::uint64_t>(v);
    floor_s = std::min(floor_s, touch_floor(shp));
  }
  const double rate = static_cast<double>(vertices) / total_s / 1e6;
  std::printf("simd_target %s\n", simd::dispatched_target().c_str());
  std::printf("%s %s: %llu vertices, open %.4f s, read %.4f s, read+compute %.4f s = %.1f M "
              "vertices/s per core (reading included)\n", path.c_str(), mode_name.c_str(),
              static_cast<unsigned long long>(vertices), open_s, read_s, total_s, rate);
  std::printf("touch floor (map, fault in, load every byte of the .shp): %.4f s = %.1f M "
              "vertices/s; rankwise / floor = %.2f\n", floor_s,
              static_cast<double>(vertices) / floor_s / 1e6, floor_s / total_s);
}

void scatter(const parallel::Comm& comm, std::uint64_t vertices) {
  SyntheticSet s;
  std::vector<std::uint64_t> bounds;
  if (comm.is_root()) {
    s = generate(vertices / 64, 1, Crs::geographic, 64);
    bounds = partition(s.polygons.vertex_counts(), static_cast<std::uint64_t>(comm.size()));
  }
  for (ScatterMethod m : {ScatterMethod::flat, ScatterMethod::serialized}) {
    std::vector<double> times;
    for (int i = 0; i < 5; ++i) {
      comm.barrier();
      const double t0 = timing::now();
      const PolygonSet mine = scatter_polygons(comm, s.polygons, bounds, m);
      comm.barrier();
      times.push_back(timing::now() - t0);
    }
    std::sort(times.begin(), times.end());
    if (comm.is_root()) {
      std::printf("scatter %-10s %d ranks, %llu vertices: min %.4f s, median %.4f s\n",
                  m == ScatterMethod::flat ? "flat" : "serialized", comm.size(),
                  static_cast<unsigned long long>(s.polygons.vertices()), times[0], times[2]);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  parallel::Environment environment(argc, argv);
  const parallel::Comm comm;
  const std::string what = argc > 1 ? argv[1] : "kernels";
  bench::select_target("bench_polygons");  // BENCH_TARGET=AVX2: the planar kernel's AVX2 build
  try {
    if (what == "kernels") kernels(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 2'000'000);
    else if (what == "file" && argc > 2) file(argv[2], argc > 3 ? argv[3] : "geodesic");
    else if (what == "scatter") scatter(comm, argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 10'000'000);
    else {
      std::fprintf(stderr, "usage: bench_polygons kernels [V] | file F.shp [mode] | scatter [V]\n");
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_polygons: %s\n", e.what());
    return 1;
  }
  return 0;
}
