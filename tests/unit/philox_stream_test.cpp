#include "core/random/philox_stream.hpp"

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/random/detail/philox_kernels.hpp"
#include "core/simd/isa.hpp"

namespace costsweep::random {
namespace {

struct KatVector {
  std::array<std::uint32_t, 4> ctr;
  std::array<std::uint32_t, 2> key;
  std::array<std::uint32_t, 4> out;
};

std::vector<KatVector> read_kat_vectors() {
  std::ifstream in(std::string(COSTSWEEP_TEST_DATA_DIR) + "/random123_kat_philox4x32.txt");
  std::vector<KatVector> vectors;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    KatVector v{};
    fields >> std::hex;
    for (auto& w : v.ctr) fields >> w;
    for (auto& w : v.key) fields >> w;
    for (auto& w : v.out) fields >> w;
    vectors.push_back(v);
  }
  return vectors;
}

std::uint64_t join(std::uint32_t low, std::uint32_t high) {
  return (std::uint64_t{high} << 32) | low;
}

// The uniform of 64 bits written out independently of open_unit: (2k + 1) 2^-53 for the top 52
// bits k, in long double (64-bit significand) so that nothing here relies on double exactness.
double expected_uniform(std::uint64_t word) {
  const long double odd = 2.0L * static_cast<long double>(word >> 12) + 1.0L;
  return static_cast<double>(odd / 9007199254740992.0L);  // 2^53
}

using Kernel = void (*)(std::uint64_t, std::uint64_t, std::uint64_t, std::uint64_t, double*);

std::vector<Kernel> kernels() {
  std::vector<Kernel> all = {detail::fill_counters_portable};
  if (simd::cpu_has_avx2()) all.push_back(detail::fill_counters_avx2);
  return all;
}

TEST(PhiloxStreamTest, MatchesRandom123KnownAnswerVectors) {
  const auto vectors = read_kat_vectors();
  ASSERT_EQ(vectors.size(), 3u);
  for (const auto& v : vectors) {
    // Counter {c_lo, c_hi, stream_lo, stream_hi}, key {seed_lo, seed_hi}: draws 2c and 2c + 1.
    const std::uint64_t counter = join(v.ctr[0], v.ctr[1]);
    const std::uint64_t stream = join(v.ctr[2], v.ctr[3]);
    const std::uint64_t seed = join(v.key[0], v.key[1]);
    if (counter <= (~std::uint64_t{0} >> 1)) {
      EXPECT_EQ(random_bits(seed, stream, 2 * counter), join(v.out[0], v.out[1]));
      EXPECT_EQ(random_bits(seed, stream, 2 * counter + 1), join(v.out[2], v.out[3]));
      EXPECT_EQ(uniform(seed, stream, 2 * counter), expected_uniform(join(v.out[0], v.out[1])));
    }
    // Every kernel, with the vector's counter in each of 8 lane positions (counter 2^64 - 1,
    // which no draw index reaches, included).
    for (const Kernel kernel : kernels()) {
      for (std::uint64_t lane = 0; lane < 8; ++lane) {
        std::array<double, 16> out{};
        kernel(seed, stream, counter - lane, 8, out.data());
        EXPECT_EQ(out[2 * lane], expected_uniform(join(v.out[0], v.out[1])));
        EXPECT_EQ(out[2 * lane + 1], expected_uniform(join(v.out[2], v.out[3])));
      }
    }
  }
}

TEST(PhiloxStreamTest, BlockFillEqualsScalarDrawsForAnyOffset) {
  for (std::uint64_t first : {0ULL, 1ULL, 7ULL, 1000001ULL}) {
    for (Eigen::Index n : {0, 1, 2, 3, 5, 8, 9, 16, 17, 64, 101}) {
      Eigen::ArrayXd block(n);
      fill_uniform(42, 9, first, block);
      for (Eigen::Index i = 0; i < n; ++i) {
        EXPECT_EQ(block[i], uniform(42, 9, first + static_cast<std::uint64_t>(i)));
      }
    }
  }
}

TEST(PhiloxStreamTest, Avx2AndPortableKernelsAgreeBitForBit) {
  if (!simd::cpu_has_avx2()) GTEST_SKIP() << "this CPU has no AVX2";
  constexpr std::uint64_t kCounters = 1 << 19;  // 2^20 uniforms
  std::vector<double> portable(2 * kCounters + 6), avx2(2 * kCounters + 6);
  for (const std::uint64_t first :
       {std::uint64_t{0}, std::uint64_t{1} << 40, ~std::uint64_t{0} - 9}) {
    for (const std::uint64_t n : {kCounters, std::uint64_t{3}, std::uint64_t{13}}) {
      detail::fill_counters_portable(20260322, stream_id("mfu"), first, n, portable.data());
      detail::fill_counters_avx2(20260322, stream_id("mfu"), first, n, avx2.data());
      for (std::uint64_t i = 0; i < 2 * n; ++i) {
        ASSERT_EQ(std::bit_cast<std::uint64_t>(portable[i]), std::bit_cast<std::uint64_t>(avx2[i]))
            << "first counter " << first << ", value " << i;
      }
    }
  }
}

TEST(PhiloxStreamTest, OpenUnitStaysInsideTheIntervalAtTheExtremeWords) {
  EXPECT_EQ(open_unit(0), 0x1.0p-53);
  EXPECT_EQ(open_unit(~std::uint64_t{0}), 1.0 - 0x1.0p-53);
  EXPECT_LT(open_unit(~std::uint64_t{0}), 1.0);
  EXPECT_EQ(open_unit(std::uint64_t{1} << 63), 0.5 + 0x1.0p-53);
  // The low 12 bits never matter; each step of the top 52 bits moves u by 2^-52.
  EXPECT_EQ(open_unit(0xFFF), open_unit(0));
  EXPECT_EQ(open_unit(0x1000) - open_unit(0), 0x1.0p-52);
  for (const std::uint64_t word :
       {std::uint64_t{0}, ~std::uint64_t{0}, std::uint64_t{0x1234567890abcdef},
        ~std::uint64_t{0} << 12, std::uint64_t{1} << 52}) {
    EXPECT_EQ(open_unit(word), expected_uniform(word)) << std::hex << word;
  }
}

TEST(PhiloxStreamTest, ValuesLieInOpenUnitIntervalOnA52BitGrid) {
  Eigen::ArrayXd block(100000);
  fill_uniform(7, stream_id("x"), 0, block);
  for (const double u : block) {
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    const double scaled = u * 0x1.0p52 - 0.5;  // exact: an integer k for (k + 0.5) 2^-52
    ASSERT_EQ(scaled, std::floor(scaled));
  }
}

TEST(PhiloxStreamTest, UniformPassesChiSquareAndMomentChecks) {
  constexpr int kBins = 100;
  constexpr Eigen::Index kDraws = 1'000'000;
  Eigen::ArrayXd block(kDraws);
  fill_uniform(20260322, stream_id("mfu.pretrain"), 0, block);
  std::vector<double> counts(kBins, 0.0);
  for (const double u : block) counts[static_cast<std::size_t>(u * kBins)] += 1.0;
  const double expected = static_cast<double>(kDraws) / kBins;
  double chi2 = 0;
  for (const double c : counts) chi2 += (c - expected) * (c - expected) / expected;
  // 99.9th percentile of chi-square with 99 degrees of freedom is 148.23 (NIST tables).
  EXPECT_LT(chi2, 148.23);
  // Mean of U(0,1) is 1/2 with sd 1/sqrt(12); allow 4 standard errors.
  const double se = 1.0 / std::sqrt(12.0 * kDraws);
  EXPECT_NEAR(block.mean(), 0.5, 4 * se);
}

TEST(PhiloxStreamTest, DifferentStreamsAndSeedsAreUncorrelated) {
  constexpr Eigen::Index kDraws = 200'000;
  Eigen::ArrayXd a(kDraws), b(kDraws), c(kDraws);
  fill_uniform(1, stream_id("price"), 0, a);
  fill_uniform(1, stream_id("mfu"), 0, b);
  fill_uniform(2, stream_id("price"), 0, c);
  auto correlation = [](const Eigen::ArrayXd& x, const Eigen::ArrayXd& y) {
    const Eigen::ArrayXd dx = x - x.mean(), dy = y - y.mean();
    return (dx * dy).sum() / std::sqrt((dx * dx).sum() * (dy * dy).sum());
  };
  // Under independence the sample correlation has sd 1/sqrt(n); allow 5 of them.
  const double bound = 5.0 / std::sqrt(static_cast<double>(kDraws));
  EXPECT_LT(std::abs(correlation(a, b)), bound);
  EXPECT_LT(std::abs(correlation(a, c)), bound);
}

TEST(PhiloxStreamTest, StreamIdIsFnv1aOfTheName) {
  // FNV-1a 64 reference values (IETF draft-eastlake-fnv, test vectors): "" and "a".
  EXPECT_EQ(stream_id(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(stream_id("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(stream_id("foobar"), 0x85944171f73967e8ULL);
}

}  // namespace
}  // namespace costsweep::random
