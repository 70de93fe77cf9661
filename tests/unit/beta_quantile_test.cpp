#include "core/distributions/detail/beta_quantile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "core/distributions/distribution.hpp"
#include "reference_points.hpp"
#include "reference_table.hpp"

namespace costsweep::dist::detail {
namespace {

using test_data::DoubleDouble;
constexpr double kEps = std::numeric_limits<double>::epsilon();
constexpr double kInf = std::numeric_limits<double>::infinity();

const std::vector<double>& kShapes = test_data::kBetaShapes;

std::vector<double> levels() { return test_data::beta_levels(); }

// 50-digit quantiles at these shapes and levels() as double-doubles: made by
// tests/references/beta_quantile_references.cpp, which finds z with I_z(a, b) = p by Newton's
// method on ln I(e^s) = ln p (Boost 1.74's ibeta_inv gives up on some of these, even in
// cpp_bin_float_50) and certifies each root by its 50-digit residual, below 1e-40.
DoubleDouble reference(double a, double b, double u) {
  return test_data::reference_file("beta_quantile.txt").double_double("quantile", {a, b, u});
}

struct Error {
  double relative = 0, ulp = 0;
};

// Error of `got` against the 50-digit quantile, relative and in ulp of the rounded reference
// (want.hi): |got - want| is computed to a relative 2^-53 of itself, and divided by want.hi
// rather than want, a relative 2^-53 more.
Error error_against(double got, DoubleDouble want) {
  const double ulp = std::nextafter(want.hi, kInf) - want.hi;
  const double difference = test_data::absolute_error(got, want);
  return {difference / want.hi, difference / ulp};
}

TEST(BetaQuantileTest, MatchesFiftyDigitReferencesOverAShapeGrid) {
  Error worst_table, worst_tail;
  for (const double a : kShapes) {
    for (const double b : kShapes) {
      const BetaQuantile quantile(a, b);
      ASSERT_TRUE(quantile.tabulated());
      for (const double u : levels()) {
        const DoubleDouble want = reference(a, b, u);
        if (want.hi < std::numeric_limits<double>::min()) {
          // Q underflows (beta(0.5, b) at u = 1e-300 is ~1e-600; stored as 0): only the sign is
          // left.
          EXPECT_LE(quantile(u), std::numeric_limits<double>::min()) << a << " " << b << " " << u;
          continue;
        }
        const Error e = error_against(quantile(u), want);
        const double p = std::min(u, 1 - u);
        Error& worst = p < BetaQuantile::kSmallestTabulated ? worst_tail : worst_table;
        worst.relative = std::max(worst.relative, e.relative);
        worst.ulp = std::max(worst.ulp, e.ulp);
        // Table: the checked truncation (<= 1e-15, measured beyond the interval ends) plus the
        // rounding of value_hi + (value_lo + h * polynomial): within 2 ulp. The deep tails are
        // solved in long double and rounded once: within 1 ulp.
        const double tol = 2 * kEps;
        EXPECT_LE(e.relative, tol) << "beta(" << a << ", " << b << ") u = " << u;
      }
    }
  }
  std::printf("table: max relative error %.3g (%.2f ulp); tails p < 2^-16 %.3g (%.2f ulp)\n",
              worst_table.relative, worst_table.ulp, worst_tail.relative, worst_tail.ulp);
}

TEST(BetaQuantileTest, ModeAtAnEndMatchesTheClosedForm) {
  // pert(0, 0, 1, lambda) is beta(1, 1 + lambda): Q(u) = 1 - (1 - u)^(1/b); beta(a, 1) has
  // Q(u) = u^(1/a). Both in 50 digits from the reference file.
  const auto& references = test_data::reference_file("beta_quantile.txt");
  for (const double shape : {5.0, 51.0}) {
    const BetaQuantile at_lo(1, shape), at_hi(shape, 1);
    for (const double u : levels()) {
      const DoubleDouble lo_want = references.double_double("mode_at_lo", {shape, u});
      const DoubleDouble hi_want = references.double_double("mode_at_hi", {shape, u});
      const double tol = 2 * kEps;
      EXPECT_LE(error_against(at_lo(u), lo_want).relative, tol) << shape << " u = " << u;
      EXPECT_LE(error_against(at_hi(u), hi_want).relative, tol) << shape << " u = " << u;
    }
  }
}

TEST(BetaQuantileTest, ArcsineMatchesTheClosedForm) {
  // beta(0.5, 0.5), singular density at both ends: Q(u) = sin^2(pi u / 2).
  const BetaQuantile quantile(0.5, 0.5);
  const auto& references = test_data::reference_file("beta_quantile.txt");
  for (const double u : levels()) {
    if (u < 1e-100) continue;  // Q underflows
    // sin^2(pi u / 2) in 50 digits.
    const DoubleDouble want = references.double_double("arcsine", {u});
    const double tol = 2 * kEps;
    EXPECT_LE(error_against(quantile(u), want).relative, tol) << "u = " << u;
  }
}

TEST(BetaQuantileTest, PertWithLargeLambdaMatchesFiftyDigitReferences) {
  // pert(0, 0.3, 1, lambda=50) is beta(16, 36); pert(2, 9, 10, lambda=50) is beta(44.75, 7.25).
  for (const auto& [a, b] : {std::pair{16.0, 36.0}, std::pair{44.75, 7.25}}) {
    const BetaQuantile quantile(a, b);
    for (const double u : levels()) {
      const DoubleDouble want = reference(a, b, u);
      const double tol = 2 * kEps;
      EXPECT_LE(error_against(quantile(u), want).relative, tol) << a << " " << b << " u = " << u;
    }
  }
}

// Build time is measured by tools/bench-pert, not asserted here.
TEST(BetaQuantileTest, EveryIntervalPassesTheBuildCheck) {
  double worst_check = 0;
  for (const double a : kShapes) {
    for (const double b : kShapes) {
      const BetaQuantile quantile(a, b);
      worst_check = std::max(worst_check, quantile.max_checked_error());
      EXPECT_EQ(quantile.n_fallback_intervals(), 0) << a << " " << b;
      EXPECT_LE(quantile.max_checked_error(), 1e-15) << a << " " << b;
    }
  }
  std::printf("largest checked error %.3g\n", worst_check);
}

TEST(BetaQuantileTest, ShapesOutsideTheTableUseBoost) {
  for (const auto& [a, b] : {std::pair{0.01, 3.0}, std::pair{2.0, 1e5}}) {
    const BetaQuantile quantile(a, b);
    EXPECT_FALSE(quantile.tabulated());
    for (const double u : {1e-10, 0.3, 0.9}) {
      EXPECT_EQ(quantile(u), boost::math::ibeta_inv(a, b, u)) << a << " " << b << " u = " << u;
    }
  }
}

std::vector<double> dense_levels() {
  std::vector<double> u;
  for (int i = 1; i < (1 << 16); ++i) u.push_back(i * 0x1p-16 - 0x1p-18);
  // Either side of every interval end and of the table's edge, in both branches.
  for (int e = 2; e <= 16; ++e) {
    for (int i = 0; i <= 8; ++i) {
      const double p = std::ldexp(1 + i / 8.0, -e);
      for (const double q : {std::nextafter(p, 0.0), p, std::nextafter(p, 1.0)}) {
        u.push_back(q);
        u.push_back(1 - q);
      }
    }
  }
  for (const double q : {0.5, std::nextafter(0.5, 0.0), std::nextafter(0.5, 1.0)}) u.push_back(q);
  std::sort(u.begin(), u.end());
  return u;
}

TEST(BetaQuantileTest, IsMonotoneInU) {
  const std::vector<double> u = dense_levels();
  for (const double a : kShapes) {
    for (const double b : kShapes) {
      const BetaQuantile quantile(a, b);
      int decreases = 0;
      for (std::size_t i = 1; i < u.size(); ++i) decreases += quantile(u[i]) < quantile(u[i - 1]);
      EXPECT_EQ(decreases, 0) << "beta(" << a << ", " << b << ")";
    }
  }
}

TEST(BetaQuantileTest, BlockEqualsScalarBitForBitAtOddBlockSizes) {
  std::vector<double> levels_all = dense_levels();
  for (const double u : levels()) levels_all.push_back(u);
  const Eigen::ArrayXd u = Eigen::Map<const Eigen::ArrayXd>(
      levels_all.data(), static_cast<Eigen::Index>(levels_all.size()));
  for (const auto& [a, b] : {std::pair{0.5, 0.5}, std::pair{2.0, 5.0}, std::pair{51.0, 1.5}}) {
    const BetaQuantile quantile(a, b);
    for (const Eigen::Index block : {1, 3, 7, 17, 1001}) {
      Eigen::ArrayXd out(u.size());
      for (Eigen::Index start = 0; start < u.size(); start += block) {
        const Eigen::Index n = std::min(block, u.size() - start);
        quantile(u.segment(start, n), out.segment(start, n));
      }
      int mismatches = 0;
      for (Eigen::Index i = 0; i < u.size(); ++i) {
        mismatches +=
            std::bit_cast<std::uint64_t>(out[i]) != std::bit_cast<std::uint64_t>(quantile(u[i]));
      }
      EXPECT_EQ(mismatches, 0) << a << " " << b << " block " << block;
    }
  }
}

TEST(BetaQuantileTest, PertStaysWithinItsRange) {
  for (const char* spec : {"pert(1, 3, 10)", "pert(0, 0, 1)", "pert(-5, 7, 7)",
                           "pert(0.09, 0.12, 0.25, lambda=50)", "beta(0.5, 0.5)"}) {
    const auto d = parse(spec);
    for (const double u : dense_levels()) {
      const double x = d->quantile(u);
      EXPECT_GE(x, d->support_lower()) << spec << " u = " << u;
      EXPECT_LE(x, d->support_upper()) << spec << " u = " << u;
    }
    for (const double u : levels()) {
      EXPECT_GE(d->quantile(u), d->support_lower()) << spec << " u = " << u;
      EXPECT_LE(d->quantile(u), d->support_upper()) << spec << " u = " << u;
    }
  }
}

}  // namespace
}  // namespace costsweep::dist::detail
