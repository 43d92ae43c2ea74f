// Regression tests for reliability findings (docs/reliability.md): the memory budget, readers
// that refuse hostile declared sizes instead of allocating them, validated checkpoints, and
// the agreed memory check on one rank.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <limits>
#include <string>

#include "rankwise/driver/memory.hpp"
#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/nbody/checkpoint.hpp"
#include "rankwise/parallel/comm.hpp"

using namespace rankwise;
namespace fs = std::filesystem;

namespace {
fs::path temp(const std::string& name) {
  return fs::temp_directory_path() / ("rankwise_reliability_" + std::to_string(::getpid()) + "_" + name);
}

// Scoped RANKWISE_MEMORY_LIMIT.
struct MemoryLimit {
  explicit MemoryLimit(const char* value) { ::setenv("RANKWISE_MEMORY_LIMIT", value, 1); }
  ~MemoryLimit() { ::unsetenv("RANKWISE_MEMORY_LIMIT"); }
};

// A serial checkpoint-shaped file with `n` particles; `tweak` edits the root group.
template <class Tweak>
void write_checkpoint_file(const fs::path& path, std::uint64_t n, Tweak tweak) {
  io::File f = io::File::create_serial(path.string());
  {
    io::Group root = f.root();
    root.attribute("format", std::string("rankwise-nbody-checkpoint 1"));
    root.attribute("step", std::int64_t{3});
    root.attribute("dt", 1e-3);
    root.attribute("integrator", std::string("leapfrog"));
    root.attribute("G", 1.0);
    root.attribute("softening", 0.01);
    root.attribute("force_evaluations", std::int64_t{4});
    root.attribute("particles", n);
    std::vector<double> rows(3 * n, 0.5), masses(n, 1.0);
    root.write_root<double>("positions", rows, {n, 3});
    root.write_root<double>("velocities", rows, {n, 3});
    root.write_root<double>("masses", masses, {n});
    tweak(root);
  }
  f.close();
}
}  // namespace

TEST(ReliabilityMemory, ParsesAndFormatsBytes) {
  EXPECT_EQ(driver::parse_bytes("512"), 512u);
  EXPECT_EQ(driver::parse_bytes("1e3"), 1000u);
  EXPECT_EQ(driver::parse_bytes("64M"), 64u << 20);
  EXPECT_EQ(driver::parse_bytes("8G"), std::uint64_t{8} << 30);
  EXPECT_EQ(driver::parse_bytes("1.5KiB"), 1536u);
  EXPECT_FALSE(driver::parse_bytes(""));
  EXPECT_FALSE(driver::parse_bytes("-1"));
  EXPECT_FALSE(driver::parse_bytes("nan"));
  EXPECT_FALSE(driver::parse_bytes("12 parsecs"));
  EXPECT_FALSE(driver::parse_bytes("1e30"));
  EXPECT_EQ(driver::format_bytes(1536), "1.5 KiB");
}

TEST(ReliabilityMemory, LimitOverrideLowersTheBudget) {
  const auto unlimited = driver::available_memory();
  MemoryLimit limit("1M");
  const auto limited = driver::available_memory();
  ASSERT_TRUE(limited);
  EXPECT_EQ(*limited, 1u << 20);
  if (unlimited) EXPECT_LE(*limited, *unlimited);
}

TEST(ReliabilityMemory, CheckRefusesOnEveryRankWithOneMessage) {
  const parallel::Comm comm;
  EXPECT_NO_THROW(driver::check_memory(comm, 1024.0, "a tiny run", "never"));
  MemoryLimit limit("1M");
  try {
    driver::check_memory(comm, 64.0 * (1 << 20), "a big run", "use less");
    FAIL() << "a 64 MiB need under a 1 MiB budget must be refused";
  } catch (const CollectiveError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("not enough memory for a big run"), std::string::npos) << what;
    EXPECT_NE(what.find("use less"), std::string::npos) << what;
    EXPECT_EQ(e.code(), ExitCode::failure);
  }
}

// Found by test_bad_input_matrix "ic huge declared size": a 10 kB file declaring 2^40 x 3
// doubles made the IC reader die in std::bad_alloc (or the OOM killer just under RAM size).
TEST(ReliabilityHdf5, HugeDeclaredExtentIsRefusedBeforeAllocating) {
  const auto path = temp("huge.h5");
  {
    io::File f = io::File::create_serial(path.string());
    io::Group root = f.root();
    (void)root.create_dataset<double>("positions", {std::uint64_t{1} << 40, 3}, {1024, 3});
  }
  io::File f = io::File::open_read(path.string());
  const io::Dataset ds = f.root().open_dataset("positions");
  try {
    (void)ds.read<double>();
    FAIL() << "expected a refusal";
  } catch (const ResourceError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path.filename().string()), std::string::npos) << what;
    EXPECT_NE(what.find("/positions"), std::string::npos) << what;
  }
  fs::remove(path);
}

// Found by test_bad_input_matrix "ck *": a damaged checkpoint restarted with NaN/zero dt,
// negative masses or a negative step, and some errors did not name the file.
TEST(ReliabilityCheckpoint, DamagedCheckpointsAreRefusedNamingTheFile) {
  const auto path = temp("ck.h5");
  const auto nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<std::pair<std::string, std::function<void(io::Group&)>>> cases = {
      {"nan dt", [&](io::Group& g) { g.attribute("dt", nan); }},
      {"zero dt", [](io::Group& g) { g.attribute("dt", 0.0); }},
      {"negative G", [](io::Group& g) { g.attribute("G", -1.0); }},
      {"inf softening", [](io::Group& g) { g.attribute("softening", INFINITY); }},
      {"negative step", [](io::Group& g) { g.attribute("step", std::int64_t{-2}); }},
      {"negative particles", [](io::Group& g) { g.attribute("particles", std::int64_t{-4}); }},
      {"unknown integrator", [](io::Group& g) { g.attribute("integrator", std::string("euler")); }},
      {"step is a string", [](io::Group& g) { g.attribute("step", std::string("3")); }},
  };
  for (const auto& [name, tweak] : cases) {
    write_checkpoint_file(path, 4, tweak);
    try {
      (void)nbody::read_checkpoint(path.string());
      ADD_FAILURE() << name << ": accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(path.string()), std::string::npos) << name << ": " << e.what();
      EXPECT_EQ(e.code(), ExitCode::failure) << name;
    }
  }
  write_checkpoint_file(path, 4, [](io::Group&) {});
  const auto c = nbody::read_checkpoint(path.string());
  EXPECT_EQ(c.step, 3u);
  EXPECT_EQ(c.bodies.size(), 4u);
  fs::remove(path);
}
