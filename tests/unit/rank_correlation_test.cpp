#include "core/statistics/rank_correlation.hpp"

#include <gtest/gtest.h>

#include <Eigen/QR>
#include <algorithm>
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
  // The rank-based first-order index of an output that is the input itself: by the identity
  // S = 1 - sum_k (y_(k+1) - y_(k))^2 / (2 sum_j (y_j - ybar)^2) over the sorted values, the
  // largest paired with the smallest (a second method); undefined for the constant input and
  // the constant output.
  Eigen::ArrayXd sorted = inputs.col(0);
  std::sort(sorted.begin(), sorted.end());
  const double squares = (sorted - sorted.mean()).square().sum();
  double steps = 0;
  for (Eigen::Index k = 0; k < n; ++k) steps += std::pow(sorted[(k + 1) % n] - sorted[k], 2);
  EXPECT_NEAR(r.first_order[0], 1 - steps / (2 * squares), 1e-12);
  EXPECT_GT(r.first_order[0], 0.97);
  for (std::size_t i = 1; i < 4; ++i) EXPECT_TRUE(std::isnan(r.first_order[i])) << i;
}

/// Mean and standard error over `replicates` independent samples of n draws of the rank-based
/// first-order indices of a model y = f(u) of uniform inputs u in [0, 1)^k.
template <typename Model>
std::pair<Eigen::ArrayXd, Eigen::ArrayXd> replicated_first_order(Eigen::Index k, Model f,
                                                                 Eigen::Index n = 1 << 15,
                                                                 int replicates = 12) {
  Eigen::ArrayXXd estimates(replicates, k);
  for (int rep = 0; rep < replicates; ++rep) {
    Eigen::ArrayXXd u(n, k);
    for (Eigen::Index i = 0; i < k; ++i) {
      Eigen::ArrayXd column(n);
      random::fill_uniform(20261202 + static_cast<std::uint64_t>(rep),
                           static_cast<std::uint64_t>(i), 0, column);
      u.col(i) = column;
    }
    Eigen::ArrayXXd y(n, 1);
    for (Eigen::Index j = 0; j < n; ++j) y(j, 0) = f(u.row(j));
    const auto r = rank_correlations(u, y);
    for (Eigen::Index i = 0; i < k; ++i) {
      estimates(rep, i) = r.first_order[static_cast<std::size_t>(i)];
    }
  }
  const Eigen::ArrayXd mean = estimates.colwise().mean();
  const Eigen::ArrayXd sd =
      ((estimates.rowwise() - mean.transpose()).square().colwise().sum() / (replicates - 1)).sqrt();
  return {mean, sd / std::sqrt(static_cast<double>(replicates))};
}

TEST(RankCorrelationTest, RankFirstOrderIndicesOfIshigamiMatchTheClosedForm) {
  // Ishigami (a = 7, b = 0.1) on [-pi, pi)^3: V1 = (1 + b pi^4 / 5)^2 / 2, V2 = a^2 / 8, V3 = 0,
  // V = V1 + V2 + 8 b^2 pi^8 / 225 (Sobol' & Levitan 1999).
  constexpr double a = 7, b = 0.1, pi = std::numbers::pi;
  const double v1 = 0.5 * std::pow(1 + b * std::pow(pi, 4) / 5, 2), v2 = a * a / 8;
  const double v = v1 + v2 + 8 * b * b * std::pow(pi, 8) / 225;
  const auto [mean, se] = replicated_first_order(3, [&](const auto& u) {
    const double x1 = -pi + 2 * pi * u(0), x2 = -pi + 2 * pi * u(1), x3 = -pi + 2 * pi * u(2);
    return std::sin(x1) + a * std::pow(std::sin(x2), 2) + b * std::pow(x3, 4) * std::sin(x1);
  });
  const double expected[] = {v1 / v, v2 / v, 0.0};  // 0.3139, 0.4424, 0
  for (Eigen::Index i = 0; i < 3; ++i) {
    EXPECT_NEAR(mean(i), expected[i], 4 * se(i)) << "S" << i + 1 << " se " << se(i);
    EXPECT_LT(se(i), 0.01) << "S" << i + 1;  // the check above is not vacuous
  }
}

TEST(RankCorrelationTest, RankFirstOrderIndicesOfTheGFunctionMatchTheClosedForm) {
  // Sobol's G-function, prod (|4u - 2| + a_i) / (1 + a_i): V_i = 1 / (3 (1 + a_i)^2),
  // V = prod (1 + V_i) - 1, S_i = V_i / V.
  const double a[] = {0.0, 1.0, 4.5, 9.0};
  double product = 1;
  for (const double ai : a) product *= 1 + 1 / (3 * (1 + ai) * (1 + ai));
  const auto [mean, se] = replicated_first_order(4, [&](const auto& u) {
    double g = 1;
    for (Eigen::Index i = 0; i < 4; ++i) g *= (std::abs(4 * u(i) - 2) + a[i]) / (1 + a[i]);
    return g;
  });
  for (Eigen::Index i = 0; i < 4; ++i) {
    const double expected = 1 / (3 * (1 + a[i]) * (1 + a[i])) / (product - 1);
    EXPECT_NEAR(mean(i), expected, 4 * se(i)) << "S" << i + 1 << " se " << se(i);
    EXPECT_LT(se(i), 0.01) << "S" << i + 1;
  }
}

}  // namespace
}  // namespace costsweep::stats
