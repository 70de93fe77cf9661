#pragma once
/// Summary statistics of one output, built from partials that merge exactly, so the result is
/// the same bits whatever the split of draws into blocks and ranks.
#include <Eigen/Core>
#include <cstdint>
#include <limits>

#include "core/statistics/exact_sum.hpp"

namespace costsweep::stats {

/// First-pass partial over some draws of one output: count, exact sum, extremes, NaNs and
/// infinities.
struct FirstPass {
  std::int64_t count = 0;
  std::int64_t n_nan = 0;
  std::int64_t n_inf = 0;
  ExactSum sum;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();

  void add(const Eigen::Ref<const Eigen::ArrayXd>& values) noexcept;
  void merge(const FirstPass& other) noexcept;
};

/// Exact sum of (x - mean)^2 over values (the second pass of the two-pass variance, which
/// stays accurate when the mean is large against the spread, e.g. costs near 1e9 USD).
ExactSum squared_deviations(const Eigen::Ref<const Eigen::ArrayXd>& values, double mean) noexcept;

/// Moments of one output over all draws.
struct Moments {
  std::int64_t count;
  double mean;
  double sd;  ///< sample standard deviation (n - 1 denominator); NaN when count < 2
  double se;  ///< standard error of the mean, sd / sqrt(count)
  double min;
  double max;
};

/// The mean from a merged first pass: the exactly summed values rounded once, over count.
double mean_of(const FirstPass& first) noexcept;

/// Moments from a merged first pass and merged squared deviations around mean_of(first).
Moments finish_moments(const FirstPass& first, const ExactSum& squared_deviations) noexcept;

}  // namespace costsweep::stats
