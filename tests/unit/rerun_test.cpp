// Stored options and `rankwise rerun`: typed round trip through HDF5, the command rebuilt from
// them, and the bit-for-bit comparison of two files.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <unistd.h>

#include "rankwise/cli/rerun.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/compare.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/provenance.hpp"

using namespace rankwise;
namespace fs = std::filesystem;

namespace {
fs::path scratch(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("rankwise_rerun_test_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

void write_file(const fs::path& path, const io::RunOptions& o, double estimate,
                const std::vector<double>& values) {
  io::File f = io::File::create_serial(path.string());
  io::Group root = f.root();
  io::Group g = root.create_group(o.driver);
  g.attribute("estimate", estimate);
  g.attribute("compute_seconds", estimate * 2);  // differs between runs: skipped
  g.write_root<double>("values", values, {values.size()});
  io::write_options(root, o);
}
}  // namespace

TEST(StoredOptions, RoundTripKeepsTypesAndValues) {
  io::RunOptions o;
  o.driver = "pi";
  o.set("method", std::string("montecarlo"));
  o.set("samples", std::uint64_t{1} << 63);
  o.set("seed", std::numeric_limits<std::uint64_t>::max());
  o.set("threads", std::int64_t{-1});
  o.set("tolerance", 0.1);
  o.set("sweep", true);
  o.set("quiet", false);
  const fs::path p = scratch("roundtrip.h5");
  write_file(p, o, 3.0, {1.0});
  const io::File f = io::File::open_read(p.string());
  const io::RunOptions back = io::read_options(f.root());
  EXPECT_EQ(back.driver, "pi");
  ASSERT_EQ(back.values.size(), o.values.size());
  for (const auto& [name, value] : o.values) {
    const io::OptionValue* v = back.find(name);
    ASSERT_NE(v, nullptr) << name;
    EXPECT_EQ(*v, value) << name;
  }
  EXPECT_EQ(f.root().open_group("pi").attribute_kind("option_sweep"), io::Group::Kind::flag);
}

TEST(Rerun, RebuildsOnlyWhatDeterminesTheResult) {
  io::RunOptions o;
  o.driver = "pi";
  o.set("method", std::string("series"));
  o.set("terms", std::uint64_t{1000});
  o.set("tolerance", 0.1);  // not exactly representable: must come back as the same double
  o.set("sweep", false);
  o.set("output", std::string("x.h5"));
  o.set("threads", std::int64_t{4});
  o.set("quiet", true);
  const auto args = cli::rebuild_command(o, "x.h5");
  const std::vector<std::string> expected{"pi", "--method=series", "--terms=1000",
                                          "--tolerance=0.10000000000000001"};
  EXPECT_EQ(args, expected);
  EXPECT_EQ(std::strtod("0.10000000000000001", nullptr), 0.1);
}

TEST(Rerun, NbodySkipsCheckpointsAndAutoRestartAndResolvesTheIcFile) {
  const fs::path ic = scratch("ic.h5");
  std::ofstream(ic) << "x";
  io::RunOptions o;
  o.driver = "nbody";
  o.set("ic", std::string("gone/ic.h5"));  // as given: no longer there from here
  o.set("ic_absolute", ic.string());
  o.set("snapshot_every", std::uint64_t{10});
  o.set("restart", std::string("auto"));
  o.set("checkpoint", std::string("ck.h5"));
  o.set("checkpoint_every", std::uint64_t{5});
  const auto args = cli::rebuild_command(o, "run.h5");
  const std::vector<std::string> expected{"nbody", "--ic=" + ic.string(), "--snapshot-every=10"};
  EXPECT_EQ(args, expected);
  fs::remove(ic);
  EXPECT_THROW((void)cli::rebuild_command(o, "run.h5"), InputError);
}

TEST(Rerun, PolygonsInputIsPositionalAndSideOutputsAreDropped) {
  const fs::path shp = scratch("in.shp");
  std::ofstream(shp) << "x";
  io::RunOptions o;
  o.driver = "polygons";
  o.set("input", shp.string());
  o.set("input_absolute", shp.string());
  o.set("csv", std::string("t.csv"));
  o.set("format", std::string("hdf5"));
  o.set("area", std::string("both"));
  const auto args = cli::rebuild_command(o, "run.h5");
  const std::vector<std::string> expected{"polygons", shp.string(), "--area=both"};
  EXPECT_EQ(args, expected);
  o.driver = "fluid";
  EXPECT_THROW((void)cli::rebuild_command(o, "run.h5"), InputError);
}

TEST(Compare, IdenticalFilesPassAndOneBitFails) {
  io::RunOptions o;
  o.driver = "pi";
  o.set("terms", std::uint64_t{10});
  const fs::path a = scratch("a.h5"), b = scratch("b.h5"), c = scratch("c.h5");
  write_file(a, o, 3.25, {1.0, 2.0, 3.0});
  write_file(b, o, 3.25, {1.0, 2.0, 3.0});
  const double up = std::nextafter(2.0, 3.0);
  write_file(c, o, 3.25, {1.0, up, 3.0});
  const std::vector<std::string> skip{"option_*", "compute_seconds"};
  const auto same = io::compare_results(a.string(), b.string(), "pi", skip);
  ASSERT_EQ(same.size(), 2u);  // estimate, values
  for (const auto& q : same) EXPECT_TRUE(q.same) << q.path << " " << q.detail;
  const auto differ = io::compare_results(a.string(), c.string(), "pi", skip);
  ASSERT_EQ(differ.size(), 2u);
  EXPECT_TRUE(differ[0].same);
  EXPECT_EQ(differ[1].path, "/pi/values");
  EXPECT_FALSE(differ[1].same);
  EXPECT_NE(differ[1].detail.find("differs in 1 of 3 values; first at [1]"), std::string::npos)
      << differ[1].detail;
  fs::remove_all(a.parent_path());
}
