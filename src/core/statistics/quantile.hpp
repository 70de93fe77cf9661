#pragma once
/// Sample quantiles with numpy's default definition (exact order statistics across processes:
/// selection.hpp).
///
/// Definition (Hyndman & Fan type 7, numpy.quantile(method="linear")): for n sorted values
/// x[0..n-1] and level p in [0, 1], h = (n-1)*p rounded to double (numpy 1.24's virtual index
/// for "linear"), j = floor(h), g = h - j, and Q(p) = lerp(x[j], x[min(j+1, n-1)], g), where
/// lerp(a, b, g) = a + g*(b-a) for g < 0.5 and b - (1-g)*(b-a) otherwise (numpy's _lerp).
#include <bit>
#include <cstdint>
#include <span>
#include <vector>

namespace costsweep::stats {

/// Monotone bijection from doubles (without NaN) to uint64: a < b  <=>  key(a) < key(b);
/// -0.0 and +0.0 map to the same key. Inline: called once per value in the statistics' loops.
inline std::uint64_t order_key(double x) noexcept {
  constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;
  const auto bits = std::bit_cast<std::uint64_t>(x == 0.0 ? 0.0 : x);
  return (bits & kSignBit) != 0 ? ~bits : bits | kSignBit;
}
/// Inverse of order_key (returns +0.0 for the shared zero key).
inline double from_order_key(std::uint64_t key) noexcept {
  constexpr std::uint64_t kSignBit = std::uint64_t{1} << 63;
  return std::bit_cast<double>((key & kSignBit) != 0 ? key & ~kSignBit : ~key);
}

/// The positions numpy's linear method reads for level p over n values: x[lower], x[upper]
/// and the weight g of upper. Precondition: n >= 1, 0 <= p <= 1.
struct QuantilePosition {
  std::uint64_t lower;
  std::uint64_t upper;
  double weight;
};
QuantilePosition quantile_position(std::uint64_t n, double p) noexcept;

/// numpy's _lerp(a, b, g).
double lerp(double a, double b, double g) noexcept;

/// Q(p) of already sorted values (ascending, no NaN). Precondition: !sorted.empty().
double quantile_sorted(std::span<const double> sorted, double p);

}  // namespace costsweep::stats
