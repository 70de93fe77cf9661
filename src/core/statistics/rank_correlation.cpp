#include "core/statistics/rank_correlation.hpp"

#include <Eigen/Cholesky>
#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/distributions/distribution.hpp"

namespace costsweep::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
__extension__ using Int128 = __int128;  // GCC/Clang extension: exact sums of rank products

/// Twice the centred ranks, 2 r - (n + 1): whole numbers even with ties (a tie's mean rank is a
/// multiple of 1/2), so products and sums of them are exact in integers.
/// (value, position) pairs sorted: without indirection, and ties in draw order.
std::vector<std::pair<double, std::size_t>> sorted_pairs(
    const Eigen::Ref<const Eigen::ArrayXd>& values) {
  const auto n = static_cast<std::size_t>(values.size());
  std::vector<std::pair<double, std::size_t>> sorted(n);
  for (std::size_t j = 0; j < n; ++j) sorted[j] = {values[static_cast<Eigen::Index>(j)], j};
  std::sort(sorted.begin(), sorted.end());
  return sorted;
}

/// Doubled centred ranks from sorted pairs; tied values get one rank whatever their order, so
/// the result depends only on the values.
std::vector<std::int64_t> doubled_centred_ranks(
    const std::vector<std::pair<double, std::size_t>>& sorted) {
  const std::size_t n = sorted.size();
  std::vector<std::int64_t> doubled(n);
  for (std::size_t first = 0; first < n;) {
    std::size_t last = first + 1;
    while (last < n && sorted[last].first == sorted[first].first) ++last;
    // Ranks first+1 .. last share their mean (first + 1 + last) / 2; doubled and centred:
    const auto value =
        static_cast<std::int64_t>(first + 1 + last) - static_cast<std::int64_t>(n + 1);
    for (std::size_t j = first; j < last; ++j) doubled[sorted[j].second] = value;
    first = last;
  }
  return doubled;
}

/// R^T R of whole numbers |r| < n (n = rows), exactly, hence the same bits in any summation
/// order. Each chunk of rows is small enough that every partial sum of its products stays below
/// 2^53, so its product in doubles (Eigen's blocked, vectorised kernel) is exact; the chunks'
/// sums add up in 128-bit integers.
Eigen::MatrixXd exact_gram(const Eigen::MatrixXd& r) {
  const auto n = static_cast<std::uint64_t>(r.rows());
  const Eigen::Index m = r.cols();
  constexpr std::uint64_t kExact = std::uint64_t{1} << 53;
  const std::uint64_t square = std::max<std::uint64_t>(1, n * n);  // n <= 1e7: no overflow
  const auto chunk = static_cast<Eigen::Index>(std::max<std::uint64_t>(1, kExact / square));
  std::vector<Int128> sums(static_cast<std::size_t>(m * m), 0);
  Eigen::MatrixXd part(m, m);
  for (Eigen::Index first = 0; first < r.rows(); first += chunk) {
    const Eigen::Index rows = std::min(chunk, r.rows() - first);
    part.noalias() = r.middleRows(first, rows).transpose() * r.middleRows(first, rows);
    for (Eigen::Index a = 0; a < m; ++a) {
      for (Eigen::Index b = 0; b < m; ++b) {
        sums[static_cast<std::size_t>(a * m + b)] += static_cast<std::int64_t>(part(a, b));
      }
    }
  }
  Eigen::MatrixXd gram(m, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index b = 0; b < m; ++b) {
      gram(a, b) = static_cast<double>(sums[static_cast<std::size_t>(a * m + b)]);
    }
  }
  return gram;
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

double rank_first_order(const std::vector<std::size_t>& order,
                        const Eigen::Ref<const Eigen::ArrayXd>& output) {
  const std::size_t n = order.size();
  if (n < 2) return kNaN;
  const double mean = output.mean();
  const auto centred = [&](std::size_t j) { return output[static_cast<Eigen::Index>(j)] - mean; };
  double paired = 0, squares = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const double y = centred(order[k]);
    paired += y * centred(order[k + 1 < n ? k + 1 : 0]);
    squares += y * y;
  }
  return squares > 0 ? paired / squares : kNaN;
}

Eigen::VectorXd centred_ranks(const Eigen::Ref<const Eigen::ArrayXd>& values) {
  const auto doubled = doubled_centred_ranks(sorted_pairs(values));
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
  Eigen::MatrixXd ranks(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
  std::vector<std::vector<std::size_t>> input_order(n_in);  // draws sorted by each input
  for (std::size_t v = 0; v < m; ++v) {
    const auto sorted = sorted_pairs(v < n_in ? inputs.col(static_cast<Eigen::Index>(v))
                                              : outputs.col(static_cast<Eigen::Index>(v - n_in)));
    if (v < n_in) {
      input_order[v].reserve(n);
      for (const auto& pair : sorted) input_order[v].push_back(pair.second);
    }
    const auto doubled = doubled_centred_ranks(sorted);
    for (std::size_t j = 0; j < n; ++j) {
      ranks(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(v)) =
          static_cast<double>(doubled[j]);
    }
  }
  const Eigen::MatrixXd gram = exact_gram(ranks);
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
                  &result.prcc_low, &result.prcc_high, &result.first_order}) {
    v->assign(n_out * n_in, kNaN);
  }
  for (std::size_t o = 0; o < n_out; ++o) {
    const std::size_t y = n_in + o;
    for (const std::size_t i : varying) {
      result.first_order[o * n_in + i] =
          rank_first_order(input_order[i], outputs.col(static_cast<Eigen::Index>(o)));
    }
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
