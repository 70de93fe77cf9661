#include "core/statistics/summary.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>

namespace costsweep::stats {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

// Updates lo and hi as lo = std::min(lo, x) and hi = std::max(hi, x) over the values in order
// would (NaNs never win a comparison, so they are skipped). Four running extremes let the
// comparisons overlap; they can only differ from one running extreme in which of two equal
// values they keep, which shows for a zero extreme alone (+0.0 or -0.0): then the values are
// read again in order.
void update_extremes(std::span<const double> values, double& lo, double& hi) noexcept {
  constexpr std::size_t kLanes = 4;
  std::array<double, kLanes> lane_lo, lane_hi;
  lane_lo.fill(kInfinity);
  lane_hi.fill(-kInfinity);
  lane_lo[0] = lo;
  lane_hi[0] = hi;
  std::size_t i = 0;
  for (; i + kLanes <= values.size(); i += kLanes) {
    for (std::size_t w = 0; w < kLanes; ++w) {
      lane_lo[w] = std::min(lane_lo[w], values[i + w]);
      lane_hi[w] = std::max(lane_hi[w], values[i + w]);
    }
  }
  for (; i < values.size(); ++i) {
    lane_lo[0] = std::min(lane_lo[0], values[i]);
    lane_hi[0] = std::max(lane_hi[0], values[i]);
  }
  double new_lo = lane_lo[0], new_hi = lane_hi[0];
  for (std::size_t w = 1; w < kLanes; ++w) {
    new_lo = std::min(new_lo, lane_lo[w]);
    new_hi = std::max(new_hi, lane_hi[w]);
  }
  if (new_lo == 0.0 || new_hi == 0.0) {
    for (const double x : values) {
      lo = std::min(lo, x);
      hi = std::max(hi, x);
    }
    return;
  }
  lo = new_lo;
  hi = new_hi;
}

}  // namespace

void FirstPass::add(const Eigen::Ref<const Eigen::ArrayXd>& values) noexcept {
  const std::span<const double> all(values.data(), static_cast<std::size_t>(values.size()));
  std::int64_t nans = 0, infinities = 0;
  for (const double x : all) {
    nans += x != x ? 1 : 0;
    infinities += std::fabs(x) == kInfinity ? 1 : 0;
  }
  update_extremes(all, min, max);
  if (nans == 0) {
    sum.add(all);
  } else {  // NaNs are counted apart, never added
    for (const double x : all) {
      if (!std::isnan(x)) sum.add(x);
    }
  }
  n_nan += nans;
  n_inf += infinities;
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
  sum.add_squares({values.data(), static_cast<std::size_t>(values.size())}, mean);
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
