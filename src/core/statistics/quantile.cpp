#include "core/statistics/quantile.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace costsweep::stats {
namespace {

// Rounds the product before anything is added to it, as numpy does. GCC's C++ default
// -ffp-contract=fast would otherwise fuse a + d * g into an fma on targets that have one
// (-march=native), which changes the last bit.
double rounded_product(double x, double y) noexcept {
  const volatile double product = x * y;
  return product;
}

}  // namespace

QuantilePosition quantile_position(std::uint64_t n, double p) noexcept {
  const std::uint64_t last = n - 1;
  // numpy 1.24 _QuantileMethods["linear"]: virtual index (n - 1) * quantiles in float64.
  const double h = static_cast<double>(last) * p;
  const double floor_h = std::floor(h);
  std::uint64_t lower = 0;
  if (floor_h >= static_cast<double>(last)) {
    lower = last;
  } else if (floor_h > 0.0) {
    lower = static_cast<std::uint64_t>(floor_h);
  }
  const std::uint64_t upper = std::min(lower + 1, last);
  return {lower, upper, lower == last ? 0.0 : h - floor_h};
}

double lerp(double a, double b, double g) noexcept {
  const double diff = b - a;
  return g >= 0.5 ? b - rounded_product(diff, 1.0 - g) : a + rounded_product(diff, g);
}

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) throw std::invalid_argument("cannot compute a quantile: no values");
  if (!(p >= 0.0 && p <= 1.0)) {
    std::ostringstream message;
    message << "cannot compute a quantile: level " << p << " is outside [0, 1]";
    throw std::invalid_argument(message.str());
  }
  const QuantilePosition position = quantile_position(sorted.size(), p);
  return lerp(sorted[position.lower], sorted[position.upper], position.weight);
}

}  // namespace costsweep::stats
