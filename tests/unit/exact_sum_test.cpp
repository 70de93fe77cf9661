#include "core/statistics/exact_sum.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <boost/multiprecision/cpp_bin_float.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace costsweep::stats {
namespace {

// 2200 bits hold any sum of a few thousand doubles exactly (2^-1074 to 2^1035 is 2110 bits),
// so these references are exact until the final conversion, which rounds to nearest-even.
using Exact = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<2200, boost::multiprecision::digit_base_2>,
    boost::multiprecision::et_off>;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMax = std::numeric_limits<double>::max();
constexpr double kTiny = std::numeric_limits<double>::denorm_min();  // 2^-1074
constexpr double kMinNormal = std::numeric_limits<double>::min();    // 2^-1022

std::uint64_t bits(double x) { return std::bit_cast<std::uint64_t>(x); }

ExactSum sum_of(const std::vector<double>& terms) {
  ExactSum sum;
  for (const double x : terms) sum.add(x);
  return sum;
}

double exact_sum(const std::vector<double>& terms) {
  Exact sum = 0;
  for (const double x : terms) sum += x;
  return sum.convert_to<double>();
}

// Random signs and binary exponents spread over the whole range, subnormals included.
std::vector<double> wide_range_terms(std::size_t n, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> significand(1.0, 2.0);
  std::uniform_int_distribution<int> exponent(-1080, 1010);
  std::vector<double> terms(n);
  for (auto& x : terms) {
    x = std::ldexp(rng() % 2 ? significand(rng) : -significand(rng), exponent(rng));
  }
  // Nearly cancel random terms (x - x(1 + 2^-40)) so the sum sits far below the largest ones.
  for (std::size_t i = 0; i < n / 2; ++i) terms.push_back(-terms[rng() % n] * (1.0 + 0x1p-40));
  return terms;
}

TEST(ExactSumTest, RecoversTermLostByNaiveSummation) {
  EXPECT_EQ(sum_of({1e100, 1.0, -1e100}).value(), 1.0);
}

TEST(ExactSumTest, TenCopiesOfOneTenthSumToExactlyOne) {
  // 0.1 is 3602879701896397 * 2^-55, so ten copies are 36028797018963970 * 2^-55 = 1 + 2^-54,
  // a quarter of an ulp above 1; naive summation gives 0.9999999999999999.
  EXPECT_EQ(sum_of(std::vector<double>(10, 0.1)).value(), 1.0);
}

TEST(ExactSumTest, ManyCopiesOfOneTenthMatchTheExactProduct) {
  for (const int n : {3, 1000, 1000003}) {
    EXPECT_EQ(sum_of(std::vector<double>(n, 0.1)).value(), (Exact(0.1) * n).convert_to<double>())
        << n;
  }
}

TEST(ExactSumTest, MatchesMultiprecisionReferenceOverTheWholeExponentRange) {
  std::mt19937_64 rng(20240601);
  for (int trial = 0; trial < 20; ++trial) {
    const std::vector<double> terms = wide_range_terms(1 + rng() % 2000, rng);
    EXPECT_EQ(bits(sum_of(terms).value()), bits(exact_sum(terms))) << "trial " << trial;
  }
}

TEST(ExactSumTest, IsIndependentOfOrderAndGrouping) {
  std::mt19937_64 rng(7);
  std::vector<double> terms = wide_range_terms(3000, rng);
  const ExactSum whole = sum_of(terms);
  ASSERT_EQ(bits(whole.value()), bits(exact_sum(terms)));
  for (int trial = 0; trial < 10; ++trial) {
    std::shuffle(terms.begin(), terms.end(), rng);
    std::vector<ExactSum> blocks;
    for (std::size_t begin = 0; begin < terms.size();) {
      const std::size_t end = std::min(terms.size(), begin + 1 + rng() % 700);
      blocks.push_back(sum_of({terms.begin() + begin, terms.begin() + end}));
      begin = end;
    }
    std::shuffle(blocks.begin(), blocks.end(), rng);
    ExactSum merged;
    for (const auto& block : blocks) merged.merge(block);
    EXPECT_EQ(bits(merged.value()), bits(whole.value()));
    EXPECT_EQ(merged.state(), whole.state());
  }
}

TEST(ExactSumTest, StateRoundTripReproducesTheAccumulator) {
  std::mt19937_64 rng(11);
  ExactSum sum = sum_of(wide_range_terms(500, rng));
  sum.add(kInf);
  sum.add(std::nan(""));
  const auto state = sum.state();
  const ExactSum copy = ExactSum::from_state(state);
  EXPECT_EQ(copy.state(), state);
  EXPECT_EQ(state[ExactSum::kLimbs], 1);      // NaN count
  EXPECT_EQ(state[ExactSum::kLimbs + 1], 1);  // +inf count
  EXPECT_EQ(state[ExactSum::kLimbs + 2], 0);  // -inf count
}

TEST(ExactSumTest, StateLimbsStayWithinOneDigit) {
  // 1 - 2^-53 has 53 one bits, which land on whole digits 0xFFFFFFFF in two limbs.
  ExactSum sum;
  for (int i = 0; i < 100000; ++i) sum.add(i % 3 == 0 ? -(1 - 0x1p-53) : 1 - 0x1p-53);
  for (const std::int64_t limb : sum.state()) {
    EXPECT_GE(limb, -(std::int64_t{1} << 31));
    EXPECT_LE(limb, std::int64_t{1} << 31);
  }
}

TEST(ExactSumTest, ElementwiseSumOfStatesEqualsMerge) {
  std::mt19937_64 rng(3);
  ExactSum merged;
  std::array<std::int64_t, ExactSum::kStateSize> summed{};
  for (int part = 0; part < 5; ++part) {
    ExactSum sum = sum_of(wide_range_terms(300, rng));
    if (part == 2) sum.add(-kInf);
    merged.merge(sum);
    const auto state = sum.state();
    for (int i = 0; i < ExactSum::kStateSize; ++i) summed[i] += state[i];
  }
  EXPECT_EQ(ExactSum::from_state(summed).state(), merged.state());
  EXPECT_EQ(ExactSum::from_state(summed).value(), -kInf);
}

TEST(ExactSumTest, SummedStatesOfManyProcessesKeepEveryBit) {
  std::mt19937_64 rng(5);
  std::vector<double> terms = wide_range_terms(200, rng);
  for (auto& x : terms) x = std::ldexp(x, -64);  // room to scale the sum by 2^30
  const auto state = sum_of(terms).state();
  // The elementwise sum of 2^30 equal states is each entry times 2^30; so is the exact sum.
  constexpr std::int64_t kProcesses = std::int64_t{1} << 30;
  std::array<std::int64_t, ExactSum::kStateSize> summed{};
  for (int i = 0; i < ExactSum::kStateSize; ++i) summed[i] = state[i] * kProcesses;
  EXPECT_EQ(ExactSum::from_state(summed).value(), std::ldexp(exact_sum(terms), 30));
}

TEST(ExactSumTest, SurvivesMoreAddsThanTheNormaliseInterval) {
  // 2^29 adds between carry normalisations; each add puts ~2^32 into two limbs.
  constexpr int kAdds = (1 << 29) + 12345;
  constexpr double kTerm = 1 - 0x1p-53;
  ExactSum sum;
  for (int i = 0; i < kAdds; ++i) sum.add(kTerm);
  EXPECT_EQ(sum.value(), (Exact(kTerm) * kAdds).convert_to<double>());
  sum.merge(sum);
  EXPECT_EQ(sum.value(), (Exact(kTerm) * kAdds * 2).convert_to<double>());
}

TEST(ExactSumTest, SumsSubnormalsExactly) {
  EXPECT_EQ(sum_of({kTiny, kTiny, kTiny}).value(), std::ldexp(3.0, -1074));
  const double max_subnormal = kMinNormal - kTiny;  // exact: (2^52 - 1) * 2^-1074
  EXPECT_EQ(max_subnormal, std::nextafter(kMinNormal, 0.0));
  EXPECT_EQ(sum_of({max_subnormal, kTiny}).value(), kMinNormal);
  EXPECT_EQ(sum_of({kMinNormal, -kTiny}).value(), max_subnormal);
  // Any subnormals are integer multiples of 2^-1074: compare with the integer sum.
  std::mt19937_64 rng(9);
  std::vector<double> terms;
  std::int64_t units = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto k = static_cast<std::int64_t>(rng() % (std::uint64_t{1} << 42)) * (i % 2 ? 1 : -1);
    units += k;
    terms.push_back(std::ldexp(static_cast<double>(k), -1074));
  }
  EXPECT_EQ(sum_of(terms).value(), std::ldexp(static_cast<double>(units), -1074));
}

TEST(ExactSumTest, RoundsTiesToEvenUsingBitsFarBelowAsSticky) {
  // 1 + 2^-53 is halfway between 1 (even) and 1 + 2^-52 (odd).
  EXPECT_EQ(sum_of({1.0, 0x1p-53}).value(), 1.0);
  EXPECT_EQ(sum_of({1.0, 0x1p-53, kTiny}).value(), 1 + 0x1p-52);
  EXPECT_EQ(sum_of({1.0, 0x1p-53, -kTiny}).value(), 1.0);
  EXPECT_EQ(sum_of({-1.0, -0x1p-53, -kTiny}).value(), -(1 + 0x1p-52));
  // 1 + 2^-52 + 2^-53 is halfway between 1 + 2^-52 (odd) and 1 + 2^-51 (even).
  EXPECT_EQ(sum_of({1 + 0x1p-52, 0x1p-53}).value(), 1 + 0x1p-51);
  // Below 2^100 the ulp is 2^47: 2^100 - 2^46 is halfway between 2^100 - 2^47 (odd) and 2^100.
  EXPECT_EQ(sum_of({0x1p100, -0x1p46}).value(), 0x1p100);
  EXPECT_EQ(sum_of({0x1p100, -0x1p46, -kTiny}).value(), 0x1p100 - 0x1p47);
  EXPECT_EQ(sum_of({0x1p100, -0x1p46, kTiny}).value(), 0x1p100);
}

TEST(ExactSumTest, OverflowsOnlyWhenTheRoundedSumDoes) {
  EXPECT_EQ(sum_of({kMax, kMax}).value(), kInf);
  EXPECT_EQ(sum_of({-kMax, -kMax}).value(), -kInf);
  EXPECT_EQ(sum_of({kMax, kMax, -kMax}).value(), kMax);  // no intermediate overflow
  // kMax = (2^53 - 1) * 2^971 has an odd significand; 2^970 is half its ulp.
  EXPECT_EQ(sum_of({kMax, 0x1p970}).value(), kInf);
  EXPECT_EQ(sum_of({kMax, 0x1p970, -kTiny}).value(), kMax);
  EXPECT_EQ(sum_of({kMax, 0x1p969}).value(), kMax);
}

TEST(ExactSumTest, CancellationGivesPositiveZero) {
  EXPECT_EQ(bits(ExactSum().value()), bits(0.0));
  EXPECT_EQ(bits(sum_of({-0.0}).value()), bits(0.0));
  EXPECT_EQ(bits(sum_of({-1e300, 1e-300, 1e300, -1e-300}).value()), bits(0.0));
}

TEST(ExactSumTest, AddsSquaresExactly) {
  // (1 + 2^-30)^2 = 1 + 2^-29 + 2^-60, which needs 61 bits.
  ExactSum sum;
  sum.add_square(1 + 0x1p-30);
  sum.add(-1.0);
  sum.add(-0x1p-29);
  EXPECT_EQ(sum.value(), 0x1p-60);

  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> significand(-2.0, 2.0);
  std::uniform_int_distribution<int> exponent(-400, 400);  // squares stay normal and finite
  ExactSum squares;
  Exact reference = 0;
  for (int i = 0; i < 2000; ++i) {
    const double x = std::ldexp(significand(rng), exponent(rng));
    squares.add_square(x);
    reference += Exact(x) * Exact(x);
    if (i % 2 == 0) {  // cancel the rounded square so only the low parts remain
      squares.add(-(x * x));
      reference -= x * x;
    }
  }
  EXPECT_EQ(bits(squares.value()), bits(reference.convert_to<double>()));
}

TEST(ExactSumTest, SquareOfInfinityOrOverflowIsPositiveInfinity) {
  ExactSum sum;
  sum.add_square(-kInf);
  EXPECT_EQ(sum.value(), kInf);
  ExactSum big;
  big.add_square(1e200);
  EXPECT_EQ(big.value(), kInf);
  ExactSum nan;
  nan.add_square(std::nan(""));
  EXPECT_TRUE(std::isnan(nan.value()));
}

TEST(ExactSumTest, SpecialValuesDominateAndSurviveMerge) {
  EXPECT_EQ(sum_of({1.0, kInf, -kMax}).value(), kInf);
  EXPECT_EQ(sum_of({-kInf, 1.0}).value(), -kInf);
  EXPECT_TRUE(std::isnan(sum_of({kInf, -kInf}).value()));
  EXPECT_TRUE(std::isnan(sum_of({1.0, std::nan(""), kInf}).value()));
  ExactSum merged = sum_of({kInf});
  merged.merge(sum_of({-kInf}));
  EXPECT_TRUE(std::isnan(merged.value()));
}

}  // namespace
}  // namespace costsweep::stats
