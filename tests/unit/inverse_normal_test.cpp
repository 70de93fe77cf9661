#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/distributions/distribution.hpp"
#include "reference_points.hpp"
#include "reference_table.hpp"

namespace costsweep::dist {
namespace {

// AS241 states PPND16 is accurate to about 1 part in 1e16 (Wichura 1988, section 4); evaluating
// it in double adds a few rounding errors, so 1e-15 (about 4.5 ulp) is the contract we assert.
constexpr double kRelTol = 1e-15;

// 50-digit references at this file's points (Boost.Math's normal quantile and cdf in
// cpp_bin_float_50), made by tests/references/inverse_normal_references.cpp.
const test_data::ReferenceTable& references() {
  return test_data::reference_file("inverse_normal.txt");
}

double relative_error(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

// Against a double-double: the quantile's 1e-15 is about 4.5 ulp, so a reference rounded to
// double would move the measured error by up to a tenth of the tolerance.
double relative_error(double got, test_data::DoubleDouble want) {
  return test_data::absolute_error(got, want) / std::fabs(want.hi);
}

std::vector<double> probe_points() { return test_data::inverse_normal_probe_points(); }

TEST(InverseNormalTest, MatchesFiftyDigitReferenceAcrossBothTails) {
  for (const double p : probe_points()) {
    const test_data::DoubleDouble want = references().double_double("quantile", {p});
    EXPECT_LE(relative_error(inverse_normal_cdf(p), want), kRelTol)
        << "p = " << p << ", want " << want.hi << ", got " << inverse_normal_cdf(p);
  }
}

TEST(InverseNormalTest, IsZeroAtOneHalf) { EXPECT_EQ(inverse_normal_cdf(0.5), 0.0); }

TEST(InverseNormalTest, IsExactlyAntisymmetricWhereOneMinusPIsExact) {
  for (int j = 1; j < 512; ++j) {
    const double p = j / 1024.0;
    EXPECT_EQ(inverse_normal_cdf(p), -inverse_normal_cdf(1.0 - p)) << "p = " << p;
  }
}

TEST(InverseNormalTest, ReproducesPublishedCriticalValues) {
  // Standard two-sided critical values, true values to 17 digits (e.g. DLMF 7.17 via
  // z = sqrt(2) inverf(2p - 1)).
  EXPECT_LE(relative_error(inverse_normal_cdf(0.975), 1.959963984540054), kRelTol);
  EXPECT_LE(relative_error(inverse_normal_cdf(0.95), 1.6448536269514722), kRelTol);
  EXPECT_LE(relative_error(inverse_normal_cdf(0.995), 2.5758293035489004), kRelTol);
  EXPECT_LE(relative_error(inverse_normal_cdf(0.9), 1.2815515655446004), kRelTol);
}

TEST(InverseNormalTest, ReturnsInfinitiesAtTheEndpoints) {
  EXPECT_EQ(inverse_normal_cdf(0.0), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(inverse_normal_cdf(1.0), std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(inverse_normal_cdf(1.5)));
}

TEST(InverseNormalTest, NormalCdfMatchesFiftyDigitReferenceInBothTails) {
  for (const double x : {-37.5, -30.0, -20.0, -8.0, -5.0, -1.0, -0.1, 0.0, 0.3, 1.0, 5.0, 8.0}) {
    // erfc(t) has condition number about 2t^2, and -x/sqrt2 carries one rounding error, so the
    // relative error grows like x^2 ulp in the lower tail.
    const double tol = (4.0 + x * x) * std::numeric_limits<double>::epsilon();
    EXPECT_LE(relative_error(normal_cdf(x), references().value("cdf", {x})), tol) << "x = " << x;
  }
}

TEST(InverseNormalTest, NormalCdfInvertsIt) {
  for (const double p : {1e-300, 1e-100, 1e-10, 0.02425, 0.3, 0.5, 0.7, 0.975, 1.0 - 1e-9}) {
    const double x = inverse_normal_cdf(p);
    // A relative error d in x moves the cdf by a relative x^2 d (d ln Phi / dx ~ |x|).
    const double tol = (4.0 + x * x) * (kRelTol + std::numeric_limits<double>::epsilon());
    EXPECT_LE(relative_error(normal_cdf(x), p), tol) << "p = " << p;
  }
}

}  // namespace
}  // namespace costsweep::dist
