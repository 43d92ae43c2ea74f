// The parallel layer under mpiexec (run at 1, 2, 3, 4 ranks): expected values are computed
// from rank and size. Collective error agreement: every rank sees the same failure.
#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>

#include "rankwise/errors.hpp"
#include "rankwise/io/h5.hpp"
#include "rankwise/io/output_path.hpp"
#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"

using namespace rankwise;

namespace {
const parallel::Comm& world() {
  static const parallel::Comm comm;
  return comm;
}
}  // namespace

TEST(Comm, ReductionsAndGathers) {
  const auto& c = world();
  const int r = c.rank(), p = c.size();
  const std::vector<double> mine = {static_cast<double>(r), 1.0};
  const auto s = c.sum(mine);
  EXPECT_EQ(s[0], p * (p - 1) / 2.0);
  EXPECT_EQ(s[1], p);
  EXPECT_EQ(c.max(static_cast<double>(r)), p - 1);
  EXPECT_EQ(c.min(static_cast<double>(r)), 0);
  EXPECT_EQ(c.sum(std::uint64_t{2}), 2u * static_cast<std::uint64_t>(p));
  EXPECT_EQ(c.any(r == p - 1), true);
  EXPECT_EQ(c.any(false), false);
  const auto g = c.gather(std::span<const double>(mine));
  if (c.is_root()) {
    ASSERT_EQ(g.size(), 2u * static_cast<std::size_t>(p));
    for (int k = 0; k < p; ++k) EXPECT_EQ(g[2 * static_cast<std::size_t>(k)], k);
  } else {
    EXPECT_TRUE(g.empty());
  }
  const auto names = c.gather("rank" + std::to_string(r));
  if (c.is_root()) EXPECT_EQ(names.back(), "rank" + std::to_string(p - 1));
}

TEST(Comm, AllGatherVInGlobalOrder) {
  const auto& c = world();
  const std::uint64_t n = 10;  // uneven for 3 and 4 ranks
  const auto mine = parallel::block_range(n, static_cast<std::uint64_t>(c.rank()),
                                          static_cast<std::uint64_t>(c.size()));
  std::vector<double> local;
  for (auto i = mine.begin; i < mine.end; ++i) local.push_back(static_cast<double>(i * i));
  const auto all = c.all_gather(local);
  ASSERT_EQ(all.size(), n);
  for (std::uint64_t i = 0; i < n; ++i) EXPECT_EQ(all[i], static_cast<double>(i * i));
}

TEST(Comm, BroadcastAndScatter) {
  const auto& c = world();
  std::string s = c.is_root() ? "from root" : "";
  c.broadcast(s);
  EXPECT_EQ(s, "from root");
  std::vector<std::vector<char>> blocks;
  if (c.is_root()) {
    for (int k = 0; k < c.size(); ++k) blocks.emplace_back(static_cast<std::size_t>(k + 1), static_cast<char>('a' + k));
  }
  const auto mine = c.scatter_v(blocks);
  EXPECT_EQ(mine.size(), static_cast<std::size_t>(c.rank() + 1));
  EXPECT_EQ(mine.front(), static_cast<char>('a' + c.rank()));
  const auto back = c.gather_v(mine);
  if (c.is_root()) EXPECT_EQ(back, blocks);
}

TEST(Comm, FailureOnOneRankIsAgreedByAll) {
  const auto& c = world();
  const int failing = c.size() - 1;
  try {
    c.agreed([&] {
      if (c.rank() == failing) throw InputError("bad file on rank " + std::to_string(failing));
    });
    FAIL() << "no error raised";
  } catch (const CollectiveError& e) {
    EXPECT_EQ(std::string(e.what()), "bad file on rank " + std::to_string(failing));
    EXPECT_EQ(e.code(), ExitCode::failure);
  }
  // Lowest failing rank wins; usage errors keep their exit code.
  try {
    c.agreed([&] { throw UsageError("rank " + std::to_string(c.rank())); });
    FAIL();
  } catch (const CollectiveError& e) {
    EXPECT_EQ(std::string(e.what()), "rank 0");
    EXPECT_EQ(e.code(), ExitCode::usage);
  }
  EXPECT_EQ(c.agreed([&] { return c.rank() * 2; }), c.rank() * 2);
}

TEST(Comm, FailTogetherWhenEveryRankFailed) {
  const auto& c = world();
  const auto agreed = c.fail_together({"rank " + std::to_string(c.rank()), ExitCode::failure}, 30);
  ASSERT_TRUE(agreed.has_value());
  EXPECT_EQ(agreed->message, "rank 0");
}

TEST(ParallelHdf5, RanksWriteTheirOwnRowsCollectively) {
  const auto& c = world();
  const std::uint64_t n = 7;
  const auto mine = parallel::block_range(n, static_cast<std::uint64_t>(c.rank()),
                                          static_cast<std::uint64_t>(c.size()));
  std::vector<double> rows;
  for (auto i = mine.begin; i < mine.end; ++i) rows.insert(rows.end(), {double(i), double(i) + 0.5});
  const std::string final_path =
      (std::filesystem::temp_directory_path() /
       ("rankwise_mpi_rows_np" + std::to_string(c.size()) + ".h5"))
          .string();  // unique per rank count: CTest runs np1..np4 concurrently
  {
    io::OutputPath out(final_path, {.overwrite = true}, c);
    {
      io::File f = io::File::create_parallel(out.temporary(), c);
      {
        io::Group root = f.root();
        root.write_rows<double>("rows", rows, n, mine.begin, 2);
        root.write_string_rows("who", {std::string(static_cast<std::size_t>(c.rank() + 1), 'x')},
                               static_cast<std::uint64_t>(c.size()), static_cast<std::uint64_t>(c.rank()));
        root.attribute("ranks", c.size());
      }
      f.close();
    }
    out.commit();
  }
  if (c.is_root()) {
    io::File f = io::File::open_read(final_path);
    const auto back = f.root().open_dataset("rows").read<double>();
    ASSERT_EQ(back.size(), 2 * n);
    for (std::uint64_t i = 0; i < n; ++i) EXPECT_EQ(back[2 * i + 1], double(i) + 0.5);
    const auto who = f.root().open_dataset("who").read_strings();
    EXPECT_EQ(who.back(), std::string(static_cast<std::size_t>(c.size()), 'x'));
    std::filesystem::remove(final_path);
  }
  c.barrier();
}
