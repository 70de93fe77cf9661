#pragma once
/// Error-free summation of doubles with a fixed-point superaccumulator, so a sum does not depend
/// on the order or grouping of its terms: any split into blocks and ranks gives the same bits.
#include <array>
#include <cstdint>
#include <span>

namespace costsweep::stats {

class ExactSum {
 public:
  /// Number of int64 limbs; each limb holds a 32-bit digit plus carry headroom. Limb i weighs
  /// 2^(32 * i + kLowestExponent).
  static constexpr int kLimbs = 72;
  static constexpr int kLowestExponent = -1088;

  /// Adds x exactly. NaN and infinities are recorded in flags and dominate value().
  void add(double x) noexcept;
  /// Adds x * x exactly (error-free product via fma); exact unless x * x underflows below
  /// ~1e-290 or overflows (then +inf).
  void add_square(double x) noexcept;
  /// Adds every value exactly: the same accumulator as add(x) for each x, in any order, but
  /// summing the values' significands per binary exponent before they reach the limbs.
  void add(std::span<const double> values) noexcept;
  /// Adds (x - shift)^2 for every value x: the same accumulator as add_square(x - shift) for
  /// each, underflow and overflow included (those values take the scalar path).
  void add_squares(std::span<const double> values, double shift) noexcept;
  /// Adds every term of another accumulator exactly (associative and commutative).
  void merge(const ExactSum& other) noexcept;
  /// The exact sum rounded once to the nearest double (ties to even); NaN if a NaN was added or
  /// both +inf and -inf; +-inf if an infinity was added or the sum overflows.
  double value() const noexcept;

  /// Raw state for reduction across processes: limbs (normalised, each in [-2^31, 2^31]) and
  /// the special-value flags. Summing the states of several accumulators elementwise as int64
  /// (e.g. MPI_SUM over up to 2^30 processes) and passing the result to from_state() gives the
  /// merged accumulator.
  static constexpr int kStateSize = kLimbs + 3;
  std::array<std::int64_t, kStateSize> state() const noexcept;
  static ExactSum from_state(std::span<const std::int64_t, kStateSize> state) noexcept;

 private:
  void normalise() noexcept;
  /// Moves the nonzero entries lowest..highest of a pending table (entry k weighs
  /// 2^(k + kLowestExponent), each below 2^63 in magnitude) into the limbs, zeroing them.
  void flush_pending(std::int64_t* sums, int lowest, int highest) noexcept;
  std::array<std::int64_t, kLimbs> limbs_{};
  std::int64_t n_nan_ = 0, n_pos_inf_ = 0, n_neg_inf_ = 0;
  std::int64_t adds_since_normalise_ = 0;
};

}  // namespace costsweep::stats
