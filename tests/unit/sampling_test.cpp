#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/sobol.hpp>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/errors/errors.hpp"
#include "core/random/philox_stream.hpp"
#include "core/sampling/detail/keyed_permutation.hpp"
#include "core/sampling/detail/sobol_points.hpp"
#include "core/sampling/detail/stratum.hpp"
#include "core/sampling/methods.hpp"

namespace costsweep::sampling {
namespace {

constexpr Method kMethods[] = {Method::kMonteCarlo, Method::kLatinHypercube, Method::kSobol};

Eigen::ArrayXd draws(Method plan, std::uint64_t seed, std::uint64_t stream, std::uint32_t dimension,
                     std::uint64_t n_draws, std::uint64_t first_draw, Eigen::Index count) {
  Eigen::ArrayXd out(count);
  fill_uniforms(plan, seed, stream, dimension, n_draws, first_draw, out);
  return out;
}

// floor(u * cells) of every value, sorted.
std::vector<std::uint64_t> sorted_cells(const Eigen::ArrayXd& u, std::uint64_t cells) {
  std::vector<std::uint64_t> result;
  for (const double x : u) result.push_back(static_cast<std::uint64_t>(x * cells));
  std::sort(result.begin(), result.end());
  return result;
}

std::vector<std::uint64_t> zero_to(std::uint64_t n) {
  std::vector<std::uint64_t> result(n);
  std::iota(result.begin(), result.end(), std::uint64_t{0});
  return result;
}

double correlation(const Eigen::ArrayXd& x, const Eigen::ArrayXd& y) {
  const Eigen::ArrayXd dx = x - x.mean();
  const Eigen::ArrayXd dy = y - y.mean();
  return (dx * dy).sum() / std::sqrt(dx.square().sum() * dy.square().sum());
}

TEST(SamplingTest, ParsePlanReadsEveryPlanName) {
  EXPECT_EQ(parse_method("mc"), Method::kMonteCarlo);
  EXPECT_EQ(parse_method("lhs"), Method::kLatinHypercube);
  EXPECT_EQ(parse_method("sobol"), Method::kSobol);
  for (const Method plan : kMethods) EXPECT_EQ(parse_method(method_name(plan)), plan);
}

TEST(SamplingTest, ParsePlanRejectsAnUnknownNameListingTheAllowedOnes) {
  for (const std::string name : {"halton", "MC", "", "sobol "}) {
    try {
      parse_method(name);
      FAIL() << "accepted '" << name << "'";
    } catch (const InputError& error) {
      EXPECT_EQ(std::string(error.what()),
                "cannot read sampling plan '" + name + "': expected mc, lhs or sobol");
    }
  }
}

TEST(SamplingTest, MonteCarloIsThePhiloxStreamBitForBit) {
  const std::uint64_t stream = random::stream_id("mfu.pretrain");
  for (const std::uint64_t first : {0ULL, 1ULL, 999ULL}) {
    const Eigen::ArrayXd u = draws(Method::kMonteCarlo, 42, stream, 5, 5000, first, 1001);
    for (Eigen::Index i = 0; i < u.size(); ++i) {
      ASSERT_EQ(u[i], random::uniform(42, stream, first + static_cast<std::uint64_t>(i)));
    }
  }
}

TEST(SamplingTest, EveryPlanGivesTheSameBitsForAnySplitIntoBlocks) {
  const std::uint64_t stream = random::stream_id("x2");
  for (const Method plan : kMethods) {
    for (const std::uint64_t n_draws : {std::uint64_t{1000}, kMaxDraws}) {
      // Draws [first, first + 1000) one at a time, as a rank holding single draws would.
      const std::uint64_t first = n_draws - 1000;
      Eigen::ArrayXd single(1000);
      for (Eigen::Index i = 0; i < 1000; ++i) {
        single[i] = draws(plan, 7, stream, 3, n_draws, first + static_cast<std::uint64_t>(i), 1)[0];
      }
      for (const Eigen::Index block : {7, 64, 333, 1000}) {
        Eigen::ArrayXd blocked(1000);
        for (Eigen::Index start = 0; start < 1000; start += block) {
          const Eigen::Index size = std::min<Eigen::Index>(block, 1000 - start);
          fill_uniforms(plan, 7, stream, 3, n_draws, first + static_cast<std::uint64_t>(start),
                        blocked.segment(start, size));
        }
        for (Eigen::Index i = 0; i < 1000; ++i) {
          ASSERT_EQ(blocked[i], single[i])
              << method_name(plan) << " n " << n_draws << " block " << block << " draw " << i;
        }
      }
    }
  }
}

TEST(SamplingTest, EveryPlanStaysInsideTheOpenUnitInterval) {
  const std::uint64_t stream = random::stream_id("x1");
  for (const Method plan : kMethods) {
    for (const std::uint64_t n_draws :
         {std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{100003}}) {
      const Eigen::ArrayXd u = draws(plan, 11, stream, 0, n_draws, 0, n_draws);
      EXPECT_GT(u.minCoeff(), 0.0) << method_name(plan);
      EXPECT_LT(u.maxCoeff(), 1.0) << method_name(plan);
    }
    const Eigen::ArrayXd tail = draws(plan, 11, stream, 0, kMaxDraws, kMaxDraws - 100000, 100000);
    EXPECT_GT(tail.minCoeff(), 0.0) << method_name(plan);
    EXPECT_LT(tail.maxCoeff(), 1.0) << method_name(plan);
  }
}

TEST(SamplingTest, KeyedPermutationIsABijectionForEverySize) {
  detail::KeyedPermutation::Keys keys{};
  for (std::size_t r = 0; r < keys.size(); ++r) keys[r] = 0x9e3779b97f4a7c15ULL * (r + 1);
  std::vector<std::uint64_t> sizes = zero_to(300);
  sizes.erase(sizes.begin());  // n >= 1
  for (const std::uint64_t n : {1023ULL, 1024ULL, 1025ULL, 65537ULL}) sizes.push_back(n);
  for (const std::uint64_t n : sizes) {
    const detail::KeyedPermutation permutation(n, keys);
    std::vector<std::uint64_t> image;
    for (std::uint64_t i = 0; i < n; ++i) image.push_back(permutation(i));
    std::sort(image.begin(), image.end());
    ASSERT_EQ(image, zero_to(n)) << "n " << n;
  }
}

TEST(SamplingTest, LatinHypercubePutsOneDrawInEachStratumOfEveryVariable) {
  for (const std::uint64_t n : {1ULL, 7ULL, 1000ULL, 4099ULL}) {
    for (const char* name : {"x1", "x2", "price_usd_per_gpu_hour"}) {
      const auto u = draws(Method::kLatinHypercube, 20260322, random::stream_id(name), 0, n, 0,
                           static_cast<Eigen::Index>(n));
      EXPECT_EQ(sorted_cells(u, n), zero_to(n)) << name << " n " << n;
    }
  }
}

TEST(SamplingTest, PointInStratumStaysInItsStratumForExtremeJitter) {
  // The smallest and largest Philox uniforms, 2^-54 and 1 - 2^-54: (2 + (1 - 2^-54)) / 3 rounds
  // to 1, and (1 + 2^-54) / 49 * 49 rounds to 1 - 2^-53, below stratum 1.
  for (const std::uint64_t n :
       {1ULL, 3ULL, 7ULL, 49ULL, 1000ULL, 4099ULL, 1ULL << 40, (1ULL << 52) - 1, 1ULL << 52}) {
    for (const std::uint64_t stratum :
         {std::uint64_t{0}, std::min<std::uint64_t>(1, n - 1), n / 2, n - 1}) {
      for (const double v : {0x1.0p-54, 0.5, 1.0 - 0x1.0p-54}) {
        const double u = detail::point_in_stratum(stratum, v, n);
        EXPECT_GT(u, 0.0);
        EXPECT_LT(u, 1.0);
        EXPECT_EQ(std::floor(u * static_cast<double>(n)), static_cast<double>(stratum))
            << "n " << n << " stratum " << stratum << " v " << v;
      }
    }
  }
}

TEST(SamplingTest, LatinHypercubePermutationsDependOnSeedAndStream) {
  static constexpr std::uint64_t kN = 4099;
  const auto strata = [](std::uint64_t seed, const char* name) {
    const auto u = draws(Method::kLatinHypercube, seed, random::stream_id(name), 0, kN, 0, kN);
    return Eigen::ArrayXd((u * kN).floor());
  };
  const Eigen::ArrayXd base = strata(1, "x1");
  const Eigen::ArrayXd other_seed = strata(2, "x1");
  const Eigen::ArrayXd other_stream = strata(1, "x2");
  EXPECT_FALSE((base == other_seed).all());
  EXPECT_FALSE((base == other_stream).all());
  // Independent random permutations: each correlation (of ranks, i.e. Spearman's) has standard
  // error 1 / sqrt(n - 1) = 0.0156; 4 standard errors is 0.0625.
  const double bound = 4.0 / std::sqrt(kN - 1.0);
  const Eigen::ArrayXd index = Eigen::ArrayXd::LinSpaced(kN, 0.0, kN - 1.0);
  EXPECT_LT(std::abs(correlation(base, index)), bound);
  EXPECT_LT(std::abs(correlation(base, other_seed)), bound);
  EXPECT_LT(std::abs(correlation(base, other_stream)), bound);
}

TEST(SamplingTest, SobolUnshiftedPointsMatchPublishedValues) {
  // Gray-code order from point 0 with the Joe-Kuo new-joe-kuo-6.21201 direction numbers, as
  // published in SciPy's scipy/stats/tests/test_qmc.py (TestSobol: test_unscrambled_1d and
  // test_unscrambled_3d for dimensions 0 and 2, unscramble_nd for dimension 1).
  const std::vector<std::vector<double>> expected = {
      {0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125, 0.1875, 0.6875},
      {0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625},
      {0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375, 0.9375, 0.4375},
  };
  for (std::uint32_t d = 0; d < expected.size(); ++d) {
    const detail::SobolDirections directions = detail::sobol_directions(d);
    for (std::uint64_t i = 0; i < expected[d].size(); ++i) {
      EXPECT_EQ(static_cast<double>(detail::sobol_point(directions, i)) * 0x1.0p-64, expected[d][i])
          << "dimension " << d << " point " << i;
    }
  }
}

TEST(SamplingTest, SobolPointsMatchBoostSobolEngineInEveryDimension) {
  // Boost's engine skips point 0 and steps through the Gray code; seed(k) moves it to point k+1.
  boost::random::sobol_engine<std::uint64_t, 64> engine(kSobolDimensions);
  std::vector<detail::SobolDirections> directions;
  for (std::uint32_t d = 0; d < kSobolDimensions; ++d) {
    directions.push_back(detail::sobol_directions(d));
  }
  for (std::uint64_t i = 1; i <= 256; ++i) {
    for (std::uint32_t d = 0; d < kSobolDimensions; ++d) {
      ASSERT_EQ(detail::sobol_point(directions[d], i), engine()) << "dim " << d << " point " << i;
    }
  }
  for (const std::uint64_t far : {(1ULL << 40) + 12345, (1ULL << 52) - 2, ~0ULL - 1}) {
    engine.seed(far - 1);
    for (std::uint32_t d = 0; d < kSobolDimensions; ++d) {
      ASSERT_EQ(detail::sobol_point(directions[d], far), engine()) << "dim " << d;
    }
  }
}

TEST(SamplingTest, SobolPutsOneDrawInEachDyadicIntervalOfEveryDimension) {
  for (std::uint32_t m = 0; m <= 12; ++m) {
    const std::uint64_t n = 1ULL << m;
    for (std::uint32_t d : {0U, 1U, 2U, 5U, 100U, kSobolDimensions - 1}) {
      const std::uint64_t stream = random::stream_id("v" + std::to_string(d));
      // The first 2^m draws, and any aligned run of 2^m draws further on.
      for (const std::uint64_t first : {std::uint64_t{0}, 3 * n}) {
        const auto u =
            draws(Method::kSobol, 99, stream, d, 4 * n, first, static_cast<Eigen::Index>(n));
        EXPECT_EQ(sorted_cells(u, n), zero_to(n)) << "m " << m << " dim " << d;
      }
    }
  }
}

TEST(SamplingTest, SobolFirstTwoDimensionsFormAZeroNetAfterTheShift) {
  // Dimensions 0 and 1 of Sobol' form a (0, 2)-sequence in base 2, and a digital shift keeps
  // that: for 2^m points and every a + b = m, each box of 2^-a by 2^-b holds one point.
  constexpr int kM = 10;
  constexpr std::uint64_t kN = 1ULL << kM;
  const auto x = draws(Method::kSobol, 5, random::stream_id("a"), 0, kN, 0, kN);
  const auto y = draws(Method::kSobol, 5, random::stream_id("b"), 1, kN, 0, kN);
  for (int a = 0; a <= kM; ++a) {
    std::set<std::uint64_t> boxes;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
      const auto column = static_cast<std::uint64_t>(x[i] * (1ULL << a));
      const auto row = static_cast<std::uint64_t>(y[i] * (1ULL << (kM - a)));
      boxes.insert((column << (kM - a)) | row);
    }
    EXPECT_EQ(boxes.size(), kN) << "a " << a;
  }
}

TEST(SamplingTest, SobolShiftDependsOnSeedAndStream) {
  const auto base = draws(Method::kSobol, 1, random::stream_id("x1"), 0, 8, 0, 8);
  const auto other_seed = draws(Method::kSobol, 2, random::stream_id("x1"), 0, 8, 0, 8);
  const auto other_stream = draws(Method::kSobol, 1, random::stream_id("x2"), 0, 8, 0, 8);
  for (Eigen::Index i = 0; i < 8; ++i) {
    EXPECT_NE(base[i], other_seed[i]);
    EXPECT_NE(base[i], other_stream[i]);
  }
}

double ishigami_mean_error(Method plan, std::uint64_t seed, std::uint64_t n) {
  const auto input = [&](const char* name, std::uint32_t dimension) {
    const auto u =
        draws(plan, seed, random::stream_id(name), dimension, n, 0, static_cast<Eigen::Index>(n));
    return Eigen::ArrayXd(-std::numbers::pi + 2.0 * std::numbers::pi * u);
  };
  const Eigen::ArrayXd x1 = input("x1", 0);
  const Eigen::ArrayXd x2 = input("x2", 1);
  const Eigen::ArrayXd x3 = input("x3", 2);
  const Eigen::ArrayXd y = x1.sin() + 7.0 * x2.sin().square() + 0.1 * x3.pow(4) * x1.sin();
  return std::abs(y.mean() - 3.5);
}

TEST(SamplingTest, LatinHypercubeAndSobolIntegrateIshigamiBetterThanMonteCarlo) {
  // Measured average absolute errors of the mean over seeds 1..50 with 4096 draws (Philox4x32
  // stream): MC 0.0401, LHS 0.0246, Sobol 3.5e-6 (at 1024 draws 0.103, 0.040, 3.3e-4).
  constexpr std::uint64_t kN = 4096;
  constexpr int kSeeds = 50;
  double error[3] = {0.0, 0.0, 0.0};
  for (std::uint64_t seed = 1; seed <= kSeeds; ++seed) {
    for (int p = 0; p < 3; ++p) error[p] += ishigami_mean_error(kMethods[p], seed, kN) / kSeeds;
  }
  // Ishigami (a = 7, b = 0.1): variance 13.845, of which the x1-x3 interaction 3.374 is all that
  // LHS leaves (it removes additive effects). The mean error is N(0, V / n), so its absolute
  // value averages 0.798 sigma with standard error 0.603 sigma / sqrt(50) = 0.0853 sigma:
  // MC sigma = 0.0581 (expect 0.0464 +- 0.0050), LHS sigma = 0.0287 (0.0229 +- 0.0024).
  const double mc_sigma = std::sqrt(13.845 / kN);
  const double lhs_sigma = std::sqrt(3.374 / kN);
  EXPECT_NEAR(error[0], 0.798 * mc_sigma, 4 * 0.0853 * mc_sigma);
  EXPECT_NEAR(error[1], 0.798 * lhs_sigma, 4 * 0.0853 * lhs_sigma);
  EXPECT_LT(error[1], error[0]);
  EXPECT_LT(error[2], error[0]);
  // Each variable's 2^12 shifted Sobol' points form an equispaced grid with a random offset,
  // which integrates the periodic sin terms almost exactly; a tenth of LHS leaves wide margin.
  EXPECT_LT(error[2], 0.1 * error[1]);
}

TEST(SamplingTest, FillUniformsRejectsBlocksOutsideTheStudy) {
  Eigen::ArrayXd out(10);
  try {
    fill_uniforms(Method::kLatinHypercube, 1, 2, 0, 100, 95, out);
    FAIL() << "accepted draws [95, 105) of 100";
  } catch (const std::invalid_argument& error) {
    EXPECT_STREQ(error.what(), "cannot fill uniforms for draws [95, 105): the study has 100 draws");
  }
  EXPECT_THROW(fill_uniforms(Method::kMonteCarlo, 1, 2, 0, 5, ~0ULL, out), std::invalid_argument);
}

TEST(SamplingTest, FillUniformsRejectsTooManyDrawsOrSobolDimensions) {
  Eigen::ArrayXd out(1);
  try {
    fill_uniforms(Method::kMonteCarlo, 1, 2, 0, kMaxDraws + 1, 0, out);
    FAIL() << "accepted 2^52 + 1 draws";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "cannot sample 4503599627370497 draws with plan 'mc': at most 4503599627370496 "
                 "draws are supported");
  }
  try {
    fill_uniforms(Method::kSobol, 1, 2, kSobolDimensions, 8, 0, out);
    FAIL() << "accepted dimension 3667";
  } catch (const InputError& error) {
    EXPECT_STREQ(error.what(),
                 "cannot sample dimension 3667 with plan 'sobol': Boost's Joe-Kuo table has "
                 "dimensions 0 to 3666");
  }
  // Other plans ignore the dimension.
  EXPECT_NO_THROW(fill_uniforms(Method::kLatinHypercube, 1, 2, kSobolDimensions, 8, 0, out));
}

}  // namespace
}  // namespace costsweep::sampling
