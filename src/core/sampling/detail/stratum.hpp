#pragma once
/// Placing a Latin hypercube draw inside its stratum.
#include <cmath>
#include <cstdint>

namespace costsweep::sampling::detail {

/// (stratum + v) / n, stepped by ulps back into the stratum where rounding moved it, so that
/// floor(u * n) == stratum as a reader computes it, and 0 < u < 1. v can lie within 2^-54 of 1,
/// so stratum + v may round up to stratum + 1 (with u = 1 in the last stratum). Preconditions:
/// stratum < n <= 2^52 (every stratum then holds at least two doubles), 0 < v < 1.
inline double point_in_stratum(std::uint64_t stratum, double v, std::uint64_t n) noexcept {
  const auto low = static_cast<double>(stratum);
  const auto size = static_cast<double>(n);
  double u = (low + v) / size;
  while (u * size >= low + 1.0) u = std::nextafter(u, 0.0);
  while (u * size < low) u = std::nextafter(u, 1.0);
  return u;
}

}  // namespace costsweep::sampling::detail
