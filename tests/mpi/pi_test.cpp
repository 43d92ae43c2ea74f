// The pi kernels decomposed over ranks exactly as the driver does: the reduced result is
// bitwise equal to the single-process result, for any rank count.
#include <gtest/gtest.h>

#include "rankwise/parallel/block_range.hpp"
#include "rankwise/parallel/comm.hpp"
#include "rankwise/pi/montecarlo.hpp"
#include "rankwise/pi/series.hpp"

using namespace rankwise;

TEST(PiAcrossRanks, SeriesPartialsSumToTheSerialResult) {
  const parallel::Comm c;
  for (std::uint64_t n : {std::uint64_t{5}, std::uint64_t{1'000'003}, std::uint64_t{3'333'333}}) {
    const std::uint64_t chunks = pi::series_chunks(n);
    const auto mine = parallel::block_range(chunks, static_cast<std::uint64_t>(c.rank()),
                                            static_cast<std::uint64_t>(c.size()));
    const pi::ExactSum part = pi::series_partial(n, mine, 1);
    const std::uint64_t words[2] = {part.low_word(), part.high_word()};
    const auto all = c.gather(std::span<const std::uint64_t>(words, 2));
    if (c.is_root()) {
      pi::ExactSum total;
      for (std::size_t r = 0; r < all.size() / 2; ++r) total += pi::ExactSum::from_words(all[2 * r], all[2 * r + 1]);
      const pi::ExactSum serial = pi::series_partial(n, {0, chunks}, 1);
      EXPECT_EQ(total.units, serial.units) << "N=" << n;
    }
  }
}

TEST(PiAcrossRanks, MonteCarloHitsSumToTheSerialResult) {
  const parallel::Comm c;
  const std::uint64_t n = 500'001;
  const auto mine = parallel::block_range(n, static_cast<std::uint64_t>(c.rank()),
                                          static_cast<std::uint64_t>(c.size()));
  const std::uint64_t total = c.sum(pi::montecarlo_hits(3, mine, 1));
  EXPECT_EQ(total, pi::montecarlo_hits_reference(3, 0, n));
}
