#include "core/distributions/detail/vector_math.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "core/simd/isa.hpp"

namespace costsweep::dist::detail {
namespace {

// The references of these sweeps (some 280000 points, too many to store in tests/data) are
// computed in long double: with a 64-bit significand (x86-64; 113 on aarch64) an ulp of it is
// 2^-11 ulp of double. Checked point by point against cpp_bin_float_50 on x86-64 (glibc, Boost
// 1.74): the ulp errors agree to 0.0005 ulp, the inverse normal's relative errors to 3.3e-19.
// Where long double is double the sweeps cannot measure below an ulp and are skipped.
constexpr bool kLongDoubleIsWider = std::numeric_limits<long double>::digits >= 64;

// |got - want| in units of the spacing of doubles at want (the ulp of the correctly rounded
// result).
double ulp_error(double got, long double want) {
  const double nearest = static_cast<double>(want);
  const double spacing =
      std::nextafter(std::fabs(nearest), std::numeric_limits<double>::infinity()) -
      std::fabs(nearest);
  return static_cast<double>(std::fabs(got - want) / spacing);
}

// fdlibm documents both functions as "error < 1 ulp"; the maxima measured on these sweeps are
// printed so that the README can quote them.
constexpr double kUlpTol = 1.0;

/// The largest ulp error of kernel against its long double reference over points, printed, and
/// within kUlpTol.
template <class Kernel, class Reference>
void expect_within_ulp(const char* name, const std::vector<double>& points, Kernel kernel,
                       Reference reference) {
  double worst = 0.0, worst_at = 0.0;
  for (const double x : points) {
    const double error = ulp_error(kernel(x), reference(x));
    if (error > worst) worst = error, worst_at = x;
  }
  std::printf("%s: max error %.3f ulp at x = %.17g over %zu points\n", name, worst, worst_at,
              points.size());
  EXPECT_LE(worst, kUlpTol);
}

TEST(VectorMathTest, LogIsWithinOneUlpFromSubnormalsToOne) {
  if (!kLongDoubleIsWider) GTEST_SKIP() << "long double is no wider than double here";
  std::mt19937_64 engine(12);
  std::uniform_real_distribution<double> exponent(-1074.0, 0.0);
  std::vector<double> points = {0x1p-1074,     0x1p-1022, 1e-300, 0.5,  0.5 - 0x1p-54,
                                1.0 - 0x1p-53, 1.0,       2.0,    1e300};
  for (int i = 0; i < 100000; ++i) points.push_back(std::exp2(exponent(engine)));
  std::uniform_real_distribution<double> near_half(0.07, 0.5);  // the central region's inputs
  for (int i = 0; i < 20000; ++i) points.push_back(near_half(engine));
  expect_within_ulp("log_kernel", points, log_kernel,
                    [](double x) { return std::log(static_cast<long double>(x)); });
}

TEST(VectorMathTest, ExpIsWithinOneUlpOverTheNormalRange) {
  if (!kLongDoubleIsWider) GTEST_SKIP() << "long double is no wider than double here";
  std::mt19937_64 engine(13);
  std::uniform_real_distribution<double> wide(-708.0, 709.7);
  std::uniform_real_distribution<double> narrow(-30.0, 30.0);  // lognormal inputs: mu + sigma z
  std::vector<double> points = {0.0, 1e-300, -1e-300, 1e-17, 0.5 * std::log(2.0),
                                1.0, -1.0,   709.7,   -708.0};
  for (int i = 0; i < 60000; ++i) points.push_back(wide(engine));
  for (int i = 0; i < 60000; ++i) points.push_back(narrow(engine));
  expect_within_ulp("exp_kernel", points, exp_kernel,
                    [](double x) { return std::exp(static_cast<long double>(x)); });
}

TEST(VectorMathTest, ExpOverflowsUnderflowsAndPropagatesNan) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(exp_kernel(709.8), kInf);
  EXPECT_EQ(exp_kernel(kInf), kInf);
  EXPECT_EQ(exp_kernel(-kInf), 0.0);
  EXPECT_EQ(exp_kernel(-800.0), 0.0);
  EXPECT_EQ(exp_kernel(0.0), 1.0);
  EXPECT_TRUE(std::isnan(exp_kernel(std::numeric_limits<double>::quiet_NaN())));
  // Subnormal results: exp(-740) = 4.2e-322, within one subnormal step of the reference.
  EXPECT_NEAR(exp_kernel(-740.0), static_cast<double>(std::exp(-740.0L)), 0x1p-1074);
  EXPECT_GT(exp_kernel(-744.0), 0.0);
}

TEST(VectorMathTest, InverseNormalIsWithinContractFrom1e300ToOneMinus2ToMinus53) {
  // A denser sweep than inverse_normal_test.cpp's probes: log-spaced in both tails and uniform
  // in the middle, against Boost.Math's quantile in long double.
  if (!kLongDoubleIsWider) GTEST_SKIP() << "long double is no wider than double here";
  constexpr double kStep = 1.02;
  constexpr int kUniform = 5000;
  std::vector<double> points;
  for (double p = 1e-300; p < 0.5; p *= kStep) {
    points.push_back(p);
    if (p > 0x1p-53) points.push_back(1.0 - p);
  }
  std::mt19937_64 engine(14);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  for (int i = 0; i < kUniform; ++i) points.push_back(uniform(engine));
  points.push_back(1.0 - 0x1p-53);
  const boost::math::normal_distribution<long double> standard;
  double worst = 0.0, worst_at = 0.0;
  for (const double p : points) {
    if (p == 0.5) continue;
    const long double want = boost::math::quantile(standard, static_cast<long double>(p));
    const double error =
        static_cast<double>(std::fabs(inverse_normal_kernel(p) - want) / std::fabs(want));
    if (error > worst) worst = error, worst_at = p;
  }
  std::printf("inverse_normal_kernel: max relative error %.3g at p = %.17g over %zu points\n",
              worst, worst_at, points.size());
  EXPECT_LE(worst, 1e-15);
}

// About 1e6 inputs: uniforms as the sampler makes them, both tails down to 1e-300 and 1 - 2^-53,
// the region boundaries of AS241, and the special values.
std::vector<double> probabilities() {
  std::vector<double> p = {0.0,
                           1.0,
                           0.5,
                           0.075,
                           0.925,
                           1.3887e-11,
                           1e-300,
                           0x1p-1074,
                           0x1p-53,
                           -1.0,
                           2.0,
                           1.0 - 0x1p-53,
                           std::numeric_limits<double>::quiet_NaN(),
                           std::nextafter(0.075, 1.0)};
  std::mt19937_64 engine(15);
  for (int i = 0; i < 800000; ++i) {
    p.push_back((static_cast<double>(engine() >> 12) + 0.5) * 0x1p-52);
  }
  std::uniform_real_distribution<double> exponent(-1000.0, -1.0);
  for (int i = 0; i < 100000; ++i) {
    const double tail = std::exp2(exponent(engine));
    p.push_back(tail);
    p.push_back(1.0 - tail);
  }
  p.push_back(0.25);  // an odd count leaves a remainder after the 4-lane loop
  return p;
}

bool same_bits(double a, double b) {
  return std::bit_cast<std::uint64_t>(a) == std::bit_cast<std::uint64_t>(b);
}

TEST(VectorMathTest, Avx2AndPortablePathsAndTheScalarKernelAgreeBitForBit) {
  if (!simd::cpu_has_avx2()) GTEST_SKIP() << "this CPU has no AVX2";
  const std::vector<double> p = probabilities();
  ASSERT_EQ(p.size() % 4, 3u);
  std::vector<double> portable(p.size()), avx2(p.size());
  inverse_normal_block(p.data(), portable.data(), p.size(), simd::Isa::kPortable);
  inverse_normal_block(p.data(), avx2.data(), p.size(), simd::Isa::kAvx2);
  int mismatches = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    mismatches +=
        !same_bits(portable[i], avx2[i]) || !same_bits(portable[i], inverse_normal_kernel(p[i]));
  }
  EXPECT_EQ(mismatches, 0) << "inverse normal";
  // exp of mu + sigma z as the lognormal makes it (in place, as the quantile does), and of the
  // raw tails' z scaled to the whole double range.
  for (const auto& [a, b] : {std::pair{-1.4, 0.33}, std::pair{57.0, 2.5}, std::pair{0.0, 86.0}}) {
    std::vector<double> x_portable = portable, x_avx2 = avx2;
    affine_exp_block(x_portable.data(), a, b, x_portable.data(), p.size(), simd::Isa::kPortable);
    affine_exp_block(x_avx2.data(), a, b, x_avx2.data(), p.size(), simd::Isa::kAvx2);
    mismatches = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      mismatches += !same_bits(x_portable[i], x_avx2[i]) ||
                    !same_bits(x_portable[i], exp_kernel(a + b * portable[i]));
    }
    EXPECT_EQ(mismatches, 0) << "exp(" << a << " + " << b << " z)";
  }
}

TEST(VectorMathTest, InverseNormalHandlesEndpointsAndOutOfDomainInputs) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(inverse_normal_kernel(0.0), -kInf);
  EXPECT_EQ(inverse_normal_kernel(1.0), kInf);
  EXPECT_TRUE(std::isnan(inverse_normal_kernel(-0.5)));
  EXPECT_TRUE(std::isnan(inverse_normal_kernel(1.5)));
  EXPECT_TRUE(std::isnan(inverse_normal_kernel(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_TRUE(std::isfinite(inverse_normal_kernel(0x1p-1074)));
}

}  // namespace
}  // namespace costsweep::dist::detail
