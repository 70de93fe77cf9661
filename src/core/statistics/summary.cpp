#include "core/statistics/summary.hpp"

#include <algorithm>
#include <cmath>

namespace costsweep::stats {

void FirstPass::add(const Eigen::Ref<const Eigen::ArrayXd>& values) noexcept {
  for (const double x : values) {
    if (std::isnan(x)) {
      ++n_nan;
      continue;
    }
    if (std::isinf(x)) ++n_inf;
    sum.add(x);
    min = std::min(min, x);
    max = std::max(max, x);
  }
  count += values.size();
}

void FirstPass::merge(const FirstPass& other) noexcept {
  count += other.count;
  n_nan += other.n_nan;
  n_inf += other.n_inf;
  sum.merge(other.sum);
  min = std::min(min, other.min);
  max = std::max(max, other.max);
}

ExactSum squared_deviations(const Eigen::Ref<const Eigen::ArrayXd>& values, double mean) noexcept {
  ExactSum sum;
  for (const double x : values) sum.add_square(x - mean);
  return sum;
}

double mean_of(const FirstPass& first) noexcept {
  if (first.count == 0) return std::numeric_limits<double>::quiet_NaN();
  return first.sum.value() / static_cast<double>(first.count);
}

Moments finish_moments(const FirstPass& first, const ExactSum& squared_deviations) noexcept {
  const auto n = static_cast<double>(first.count);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double sd = first.count < 2 ? nan : std::sqrt(squared_deviations.value() / (n - 1.0));
  return {first.count, mean_of(first), sd, sd / std::sqrt(n), first.min, first.max};
}

}  // namespace costsweep::stats
