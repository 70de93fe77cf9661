#include "core/statistics/rank_correlation.hpp"

#include <gtest/gtest.h>

#include <Eigen/QR>
#include <cmath>
#include <numbers>

#include "core/distributions/distribution.hpp"
#include "core/random/philox_stream.hpp"

namespace costsweep::stats {
namespace {

/// n standard normal draws from Philox stream `stream`.
Eigen::ArrayXd normals(Eigen::Index n, std::uint64_t stream, std::uint64_t seed = 7) {
  Eigen::ArrayXd u(n);
  random::fill_uniform(seed, stream, 0, u);
  return u.unaryExpr([](double p) { return dist::inverse_normal_cdf(p); });
}

/// Pearson correlation of two vectors, written out (second method for Spearman on ranks).
double pearson(const Eigen::VectorXd& x, const Eigen::VectorXd& y) {
  const Eigen::VectorXd a = x.array() - x.mean(), b = y.array() - y.mean();
  return a.dot(b) / std::sqrt(a.squaredNorm() * b.squaredNorm());
}

/// PRCC by its definition (second method): regress the ranks of input i and of the output on
/// the ranks of the other inputs by least squares (QR), and correlate the residuals.
double prcc_by_residuals(const Eigen::ArrayXXd& inputs, const Eigen::ArrayXd& output,
                         Eigen::Index i) {
  const Eigen::Index n = inputs.rows(), k = inputs.cols();
  Eigen::MatrixXd others(n, k);  // intercept + the other inputs' ranks
  others.col(0).setOnes();
  for (Eigen::Index j = 0, c = 1; j < k; ++j) {
    if (j != i) others.col(c++) = centred_ranks(inputs.col(j));
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(others);
  const auto residual = [&](const Eigen::VectorXd& v) -> Eigen::VectorXd {
    return v - others * qr.solve(v);
  };
  return pearson(residual(centred_ranks(inputs.col(i))), residual(centred_ranks(output)));
}

TEST(RankCorrelationTest, TiesShareTheirMeanRank) {
  Eigen::ArrayXd values(5);
  values << 3.0, 1.0, 2.0, 2.0, 9.0;
  // Ranks 4, 1, 2.5, 2.5, 5 minus their mean 3.
  const Eigen::VectorXd ranks = centred_ranks(values);
  EXPECT_DOUBLE_EQ(ranks[0], 1.0);
  EXPECT_DOUBLE_EQ(ranks[1], -2.0);
  EXPECT_DOUBLE_EQ(ranks[2], -0.5);
  EXPECT_DOUBLE_EQ(ranks[3], -0.5);
  EXPECT_DOUBLE_EQ(ranks[4], 2.0);
}

TEST(RankCorrelationTest, SpearmanOfBivariateNormalMatchesClosedForm) {
  // For a bivariate normal with correlation rho, Spearman's rho_s = (6 / pi) asin(rho / 2)
  // (Pearson 1907). rho = 0.6: rho_s = 0.58192.
  const Eigen::Index n = 100000;
  const double rho = 0.6;
  const Eigen::ArrayXd z1 = normals(n, 1), z2 = normals(n, 2);
  Eigen::ArrayXXd inputs(n, 1), outputs(n, 1);
  inputs.col(0) = z1;
  outputs.col(0) = rho * z1 + std::sqrt(1 - rho * rho) * z2;
  const auto r = rank_correlations(inputs, outputs);
  const double exact = 6 / std::numbers::pi * std::asin(rho / 2);
  // SE of rho_s ~ sqrt(1.06 / n) (1 - rho_s^2) = 0.0022; 4 SE.
  EXPECT_NEAR(r.spearman[0], exact, 4 * std::sqrt(1.06 / n) * (1 - exact * exact));
  EXPECT_LT(r.spearman_low[0], r.spearman[0]);
  EXPECT_GT(r.spearman_high[0], r.spearman[0]);
}

TEST(RankCorrelationTest, SpearmanAndPrccMatchSecondMethodsOnTies) {
  // Three inputs (one rounded to produce ties), output nonlinear with noise; every measure must
  // equal Pearson-on-ranks and the regression-residual definition of PRCC to rounding.
  const Eigen::Index n = 2000;
  Eigen::ArrayXXd inputs(n, 3), outputs(n, 2);
  inputs.col(0) = normals(n, 1);
  inputs.col(1) = (normals(n, 2) * 2).round();
  inputs.col(2) = normals(n, 3).exp();
  outputs.col(0) = inputs.col(0) + 0.5 * inputs.col(1).cube() - inputs.col(2) + normals(n, 4);
  outputs.col(1) = (inputs.col(0) * inputs.col(2)).exp();
  const auto r = rank_correlations(inputs, outputs);
  for (Eigen::Index o = 0; o < 2; ++o) {
    for (Eigen::Index i = 0; i < 3; ++i) {
      const auto at = static_cast<std::size_t>(o * 3 + i);
      EXPECT_NEAR(r.spearman[at],
                  pearson(centred_ranks(inputs.col(i)), centred_ranks(outputs.col(o))), 1e-12);
      EXPECT_NEAR(r.prcc[at], prcc_by_residuals(inputs, outputs.col(o), i), 1e-10);
    }
  }
}

TEST(RankCorrelationTest, LargeSamplesSumRankProductsInExactChunks) {
  // Beyond n = 208,064 (n^3 > 2^53) the rank products no longer sum exactly in one pass of
  // doubles: the Gram matrix is built from exact chunks. Same answers as Pearson on ranks.
  const Eigen::Index n = 300000;
  Eigen::ArrayXXd inputs(n, 2), outputs(n, 1);
  inputs.col(0) = normals(n, 1);
  inputs.col(1) = (normals(n, 2) * 3).round();  // ties
  outputs.col(0) = inputs.col(0) - 0.3 * inputs.col(1) + normals(n, 3);
  const auto r = rank_correlations(inputs, outputs);
  for (Eigen::Index i = 0; i < 2; ++i) {
    EXPECT_NEAR(r.spearman[static_cast<std::size_t>(i)],
                pearson(centred_ranks(inputs.col(i)), centred_ranks(outputs.col(0))), 1e-12);
    EXPECT_NEAR(r.prcc[static_cast<std::size_t>(i)], prcc_by_residuals(inputs, outputs.col(0), i),
                1e-10);
  }
}

TEST(RankCorrelationTest, MeasuresIgnoreMonotoneTransforms) {
  const Eigen::Index n = 5000;
  Eigen::ArrayXXd inputs(n, 2), outputs(n, 2);
  inputs.col(0) = normals(n, 1);
  inputs.col(1) = normals(n, 2);
  outputs.col(0) = inputs.col(0) + inputs.col(1) + normals(n, 3);
  outputs.col(1) = (3 * outputs.col(0)).exp();  // increasing in output 0
  const auto r = rank_correlations(inputs, outputs);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(r.spearman[i], r.spearman[2 + i]);
    EXPECT_EQ(r.prcc[i], r.prcc[2 + i]);
  }
  Eigen::ArrayXXd reversed = -inputs;
  const auto s = rank_correlations(reversed, outputs);
  EXPECT_EQ(s.spearman[0], -r.spearman[0]);
  EXPECT_NEAR(s.prcc[0], -r.prcc[0], 1e-14);
}

TEST(RankCorrelationTest, IndependentInputIsNearZeroWithinItsInterval) {
  const Eigen::Index n = 40000;
  Eigen::ArrayXXd inputs(n, 2), outputs(n, 1);
  inputs.col(0) = normals(n, 1);
  inputs.col(1) = normals(n, 2);  // does not enter the output
  outputs.col(0) = inputs.col(0).exp() + 0.1 * normals(n, 3);
  const auto r = rank_correlations(inputs, outputs);
  // 4 standard errors of a null correlation, 1 / sqrt(n).
  EXPECT_NEAR(r.spearman[1], 0.0, 4 / std::sqrt(static_cast<double>(n)));
  EXPECT_NEAR(r.prcc[1], 0.0, 4 / std::sqrt(static_cast<double>(n)));
  // Interval half-width of Spearman at r = 0 is tanh(1.96 sqrt(1.06 / (n - 3))).
  const double z = dist::inverse_normal_cdf(0.975);
  EXPECT_NEAR(r.spearman_high[1] - r.spearman[1],
              std::tanh(std::atanh(r.spearman[1]) + z * std::sqrt(1.06 / (n - 3))) - r.spearman[1],
              1e-15);
  EXPECT_GT(r.prcc[0], 0.9);
}

TEST(RankCorrelationTest, ConstantColumnsAreUndefined) {
  const Eigen::Index n = 1000;
  Eigen::ArrayXXd inputs(n, 2), outputs(n, 2);
  inputs.col(0) = normals(n, 1);
  inputs.col(1).setConstant(3.0);  // a fixed input
  outputs.col(0) = inputs.col(0);
  outputs.col(1).setConstant(1.0);
  const auto r = rank_correlations(inputs, outputs);
  EXPECT_DOUBLE_EQ(r.spearman[0], 1.0);
  EXPECT_TRUE(std::isnan(r.spearman[1]));
  EXPECT_TRUE(std::isnan(r.prcc[1]));
  // PRCC with one varying input is its Spearman correlation.
  EXPECT_DOUBLE_EQ(r.prcc[0], 1.0);
  for (std::size_t i = 2; i < 4; ++i) {
    EXPECT_TRUE(std::isnan(r.spearman[i]));
    EXPECT_TRUE(std::isnan(r.prcc[i]));
  }
}

}  // namespace
}  // namespace costsweep::stats
