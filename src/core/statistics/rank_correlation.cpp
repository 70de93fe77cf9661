#include "core/statistics/rank_correlation.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "core/distributions/distribution.hpp"

namespace costsweep::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ using Int128 = __int128;  // GCC/Clang extension: exact sums of rank products

/// Twice the centred ranks, 2 r - (n + 1): whole numbers even with ties (a tie's mean rank is a
/// multiple of 1/2), so products and sums of them are exact in integers.
std::vector<std::int64_t> doubled_centred_ranks(const Eigen::Ref<const Eigen::ArrayXd>& values) {
  const auto n = static_cast<std::size_t>(values.size());
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const double x = values[static_cast<Eigen::Index>(a)], y = values[static_cast<Eigen::Index>(b)];
    return x < y || (x == y && a < b);
  });
  std::vector<std::int64_t> doubled(n);
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first + 1;
    const double v = values[static_cast<Eigen::Index>(order[first])];
    while (last < n && values[static_cast<Eigen::Index>(order[last])] == v) ++last;
    // Ranks first+1 .. last share their mean (first + 1 + last) / 2; doubled and centred:
    const auto value =
        static_cast<std::int64_t>(first + 1 + last) - static_cast<std::int64_t>(n + 1);
    for (std::size_t j = first; j < last; ++j) doubled[order[j]] = value;
    first = last;
  }
  return doubled;
}

/// Fisher-z interval of a correlation r with standard error se on the z scale.
std::pair<double, double> fisher_interval(double r, double se, double z_quantile) {
  if (!std::isfinite(r) || !(se > 0) || !std::isfinite(se)) return {kNaN, kNaN};
  const double z = std::atanh(std::clamp(r, -1.0, 1.0));
  return {std::tanh(z - z_quantile * se), std::tanh(z + z_quantile * se)};
}

/// Partial correlations of each of the k first variables with the last, given the others, from
/// their (k + 1) x (k + 1) correlation matrix. Empty when it is singular.
std::vector<double> partial_with_last(const Eigen::MatrixXd& correlation) {
  const Eigen::Index k = correlation.rows() - 1;
  const Eigen::LLT<Eigen::MatrixXd> factor(correlation);
  if (factor.info() != Eigen::Success || factor.rcond() < 1e-12) return {};
  const Eigen::MatrixXd precision =
      factor.solve(Eigen::MatrixXd::Identity(correlation.rows(), correlation.cols()));
  std::vector<double> partial(static_cast<std::size_t>(k));
  for (Eigen::Index i = 0; i < k; ++i) {
    partial[static_cast<std::size_t>(i)] =
        std::clamp(-precision(i, k) / std::sqrt(precision(i, i) * precision(k, k)), -1.0, 1.0);
  }
  return partial;
}

}  // namespace

Eigen::VectorXd centred_ranks(const Eigen::Ref<const Eigen::ArrayXd>& values) {
  const auto doubled = doubled_centred_ranks(values);
  Eigen::VectorXd ranks(values.size());
  for (Eigen::Index i = 0; i < values.size(); ++i) {
    ranks[i] = 0.5 * static_cast<double>(doubled[static_cast<std::size_t>(i)]);
  }
  return ranks;
}

RankCorrelations rank_correlations(const Eigen::Ref<const Eigen::ArrayXXd>& inputs,
                                   const Eigen::Ref<const Eigen::ArrayXXd>& outputs,
                                   double confidence) {
  const auto n = static_cast<std::size_t>(inputs.rows());
  const auto n_in = static_cast<std::size_t>(inputs.cols());
  const auto n_out = static_cast<std::size_t>(outputs.cols());
  const std::size_t m = n_in + n_out;
  std::vector<std::vector<std::int64_t>> ranks;
  for (std::size_t v = 0; v < m; ++v) {
    ranks.push_back(v < n_in
                        ? doubled_centred_ranks(inputs.col(static_cast<Eigen::Index>(v)))
                        : doubled_centred_ranks(outputs.col(static_cast<Eigen::Index>(v - n_in))));
  }
  // Gram matrix of the doubled ranks in 128-bit integers: exact, so independent of order.
  // |2r - n - 1| < n, so each product is below n^2 and a sum below n^3 (fits for n < 5e12).
  Eigen::MatrixXd gram(m, m);
  for (std::size_t a = 0; a < m; ++a) {
    for (std::size_t b = 0; b <= a; ++b) {
      Int128 sum = 0;
      const auto* x = ranks[a].data();
      const auto* y = ranks[b].data();
      for (std::size_t j = 0; j < n; ++j) sum += static_cast<Int128>(x[j] * y[j]);
      gram(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) = static_cast<double>(sum);
      gram(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(a)) = static_cast<double>(sum);
    }
  }
  const auto correlation = [&](std::size_t a, std::size_t b) {
    const double d = gram(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(a)) *
                     gram(static_cast<Eigen::Index>(b), static_cast<Eigen::Index>(b));
    return d > 0 ? std::clamp(gram(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) /
                                  std::sqrt(d),
                              -1.0, 1.0)
                 : kNaN;
  };
  std::vector<std::size_t> varying;
  for (std::size_t i = 0; i < n_in; ++i) {
    if (gram(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i)) > 0) varying.push_back(i);
  }
  const double z_quantile = dist::inverse_normal_cdf(0.5 + 0.5 * confidence);
  const double n_real = static_cast<double>(n);
  const double k = static_cast<double>(varying.size());
  const double se_spearman = n > 3 ? std::sqrt(1.06 / (n_real - 3)) : kNaN;
  const double se_prcc = n_real > k + 3 ? 1.0 / std::sqrt(n_real - 3 - (k - 1)) : kNaN;
  RankCorrelations result;
  result.n_draws = n;
  for (auto* v : {&result.spearman, &result.spearman_low, &result.spearman_high, &result.prcc,
                  &result.prcc_low, &result.prcc_high}) {
    v->assign(n_out * n_in, kNaN);
  }
  for (std::size_t o = 0; o < n_out; ++o) {
    const std::size_t y = n_in + o;
    for (std::size_t i = 0; i < n_in; ++i) {
      const double r = correlation(i, y);
      result.spearman[o * n_in + i] = r;
      std::tie(result.spearman_low[o * n_in + i], result.spearman_high[o * n_in + i]) =
          fisher_interval(r, se_spearman, z_quantile);
    }
    if (varying.empty() || !std::isfinite(se_prcc) ||
        !(gram(static_cast<Eigen::Index>(y), static_cast<Eigen::Index>(y)) > 0)) {
      continue;
    }
    const auto size = static_cast<Eigen::Index>(varying.size() + 1);
    Eigen::MatrixXd c(size, size);
    for (Eigen::Index a = 0; a < size; ++a) {
      const std::size_t va = a + 1 < size ? varying[static_cast<std::size_t>(a)] : y;
      for (Eigen::Index b = 0; b < size; ++b) {
        const std::size_t vb = b + 1 < size ? varying[static_cast<std::size_t>(b)] : y;
        c(a, b) = va == vb ? 1.0 : correlation(va, vb);
      }
    }
    // With one varying input there is nothing to partial out: PRCC is Spearman's coefficient.
    const auto partial = size == 2 ? std::vector<double>{c(0, 1)} : partial_with_last(c);
    for (std::size_t j = 0; j < partial.size(); ++j) {
      const std::size_t at = o * n_in + varying[j];
      result.prcc[at] = partial[j];
      std::tie(result.prcc_low[at], result.prcc_high[at]) =
          fisher_interval(partial[j], se_prcc, z_quantile);
    }
  }
  return result;
}

}  // namespace costsweep::stats
