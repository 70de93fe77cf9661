#include "core/statistics/exact_sum.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace costsweep::stats {
namespace {

using Limbs = std::array<std::int64_t, ExactSum::kLimbs>;

constexpr std::int64_t kDigitBase = std::int64_t{1} << 32;
constexpr std::uint64_t kDigitMask = 0xFFFF'FFFFu;
// An add puts less than 2^32 into any limb, so 2^29 adds keep every limb below 2^62 in magnitude
// and merging two such accumulators stays below 2^63.
constexpr std::int64_t kAddsBetweenNormalise = std::int64_t{1} << 29;

constexpr std::uint64_t kSignificandMask = (std::uint64_t{1} << 52) - 1;
constexpr std::uint64_t kImplicitBit = std::uint64_t{1} << 52;

// Adds (negative ? -1 : 1) * magnitude * 2^(offset + kLowestExponent), magnitude < 2^63; puts
// less than 2^32 into each of three limbs.
void add_digits(Limbs& limbs, bool negative, std::uint64_t magnitude, int offset) noexcept {
  const int limb = offset / 32;
  const int shift = offset % 32;
  // magnitude * 2^shift has up to 94 bits: split it into three digits without overflow.
  const std::uint64_t low = (magnitude & kDigitMask) << shift;
  const std::uint64_t high = ((magnitude >> 32) << shift) + (low >> 32);
  const std::int64_t sign = negative ? -1 : 1;
  limbs[limb] += sign * static_cast<std::int64_t>(low & kDigitMask);
  limbs[limb + 1] += sign * static_cast<std::int64_t>(high & kDigitMask);
  limbs[limb + 2] += sign * static_cast<std::int64_t>(high >> 32);
}

// The bulk paths sum integer significands per offset (the weight of their last place above
// 2^kLowestExponent) in a table, and move each nonzero entry into the limbs once per
// kValuesPerFlush values. A value puts at most one term below 2^53 into an entry, so an entry
// stays below 1024 * 2^53 = 2^63. Offsets reach 2059 (the largest double's last place).
constexpr int kPendingOffsets = 2112;
constexpr std::size_t kValuesPerFlush = 1024;
// Kept zero between calls, so a call on a short block does not clear 16 KiB first.
thread_local std::array<std::int64_t, kPendingOffsets> pending_sums{};

// Offset of the last place of a finite double with this biased exponent (subnormals share the
// last place 2^-1074 of the smallest normal binade).
constexpr int kOffsetOfExponentZero = -1075 - ExactSum::kLowestExponent;

// add_squares computes x^2 as an integer product when x is in [2^-480, 2^500): there the error
// of the rounded square cannot underflow (the scalar path is exact) and the square's last place
// is at or above 2^-1064, within the limbs.
constexpr int kFastSquareMinExponent = 1023 - 480;
constexpr int kFastSquareMaxExponent = 1023 + 499;
__extension__ using Uint128 = unsigned __int128;

// Leaves every limb but the top one in [-2^31, 2^31); the value is unchanged.
void balance(Limbs& limbs) noexcept {
  std::int64_t carry = 0;
  for (int i = 0; i + 1 < ExactSum::kLimbs; ++i) {
    const std::int64_t v = limbs[i] + carry;
    carry = (v + kDigitBase / 2) >> 32;  // floor division: >> is arithmetic since C++20
    limbs[i] = v - carry * kDigitBase;
  }
  limbs.back() += carry;
}

// For a non-negative value: leaves every limb in [0, 2^32).
void make_unsigned(Limbs& limbs) noexcept {
  std::int64_t carry = 0;
  for (auto& limb : limbs) {
    const std::int64_t v = limb + carry;
    carry = v >> 32;
    limb = v - carry * kDigitBase;
  }
}

int highest_nonzero(const Limbs& limbs) noexcept {
  int i = ExactSum::kLimbs - 1;
  while (i >= 0 && limbs[i] == 0) --i;
  return i;
}

// Rounds a positive value held in unsigned digits to the nearest double, ties to even.
double round_to_double(const Limbs& digits) noexcept {
  const int top = highest_nonzero(digits);
  const auto digit = [&](int i) { return i >= 0 ? static_cast<std::uint64_t>(digits[i]) : 0u; };
  const int lz = std::countl_zero(static_cast<std::uint32_t>(digits[top]));
  // The 64 bits from the leading one down; everything below only matters as a sticky bit.
  const std::uint64_t head =
      (digit(top) << (32 + lz)) | (digit(top - 1) << lz) | (digit(top - 2) >> (32 - lz));
  bool sticky = (digit(top - 2) & ((std::uint64_t{1} << (32 - lz)) - 1)) != 0;
  for (int i = top - 3; i >= 0 && !sticky; --i) sticky = digits[i] != 0;

  const int top_exponent = 32 * top + 31 - lz + ExactSum::kLowestExponent;
  constexpr int kMinNormalExponent = std::numeric_limits<double>::min_exponent - 1;
  // Bits of head below the result's last place: 11 for a normal result, more for a subnormal.
  const int shift = 64 - std::numeric_limits<double>::digits +
                    (top_exponent < kMinNormalExponent ? kMinNormalExponent - top_exponent : 0);
  if (shift > 64) return 0.0;  // below half the smallest subnormal
  const std::uint64_t kept = shift == 64 ? 0 : head >> shift;
  const std::uint64_t dropped = shift == 64 ? head : head & ((std::uint64_t{1} << shift) - 1);
  const std::uint64_t half = std::uint64_t{1} << (shift - 1);
  const bool round_up = dropped > half || (dropped == half && (sticky || (kept & 1) != 0));
  // kept + round_up <= 2^53 is exact as a double, and so is the scaling unless it overflows.
  return std::ldexp(static_cast<double>(kept + (round_up ? 1 : 0)), top_exponent - 63 + shift);
}

}  // namespace

void ExactSum::add(double x) noexcept {
  if (std::isnan(x)) {
    ++n_nan_;
    return;
  }
  if (std::isinf(x)) {
    ++(x > 0 ? n_pos_inf_ : n_neg_inf_);
    return;
  }
  if (x == 0.0) return;
  if (adds_since_normalise_ >= kAddsBetweenNormalise) normalise();
  ++adds_since_normalise_;

  const auto bits = std::bit_cast<std::uint64_t>(x);
  const int biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t significand = bits & kSignificandMask;
  int last_place_exponent = -1074;
  if (biased_exponent != 0) {
    significand |= kImplicitBit;
    last_place_exponent = biased_exponent - 1075;
  }
  add_digits(limbs_, (bits >> 63) != 0, significand, last_place_exponent - kLowestExponent);
}

void ExactSum::add_square(double x) noexcept {
  if (std::isnan(x)) {
    ++n_nan_;
    return;
  }
  const double square = x * x;
  if (std::isinf(square)) {
    ++n_pos_inf_;
    return;
  }
  add(square);
  add(std::fma(x, x, -square));  // the rounding error of x * x, exact unless x * x underflows
}

void ExactSum::add(std::span<const double> values) noexcept {
  std::int64_t* sums = pending_sums.data();
  for (std::size_t begin = 0; begin < values.size(); begin += kValuesPerFlush) {
    const std::size_t end = std::min(values.size(), begin + kValuesPerFlush);
    int lowest = kPendingOffsets, highest = -1;
    for (std::size_t i = begin; i < end; ++i) {
      const auto bits = std::bit_cast<std::uint64_t>(values[i]);
      const int biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
      if (biased_exponent == 0x7FF) [[unlikely]] {
        add(values[i]);  // NaN or infinity: only the flags
        continue;
      }
      const std::uint64_t significand =
          (bits & kSignificandMask) | (biased_exponent != 0 ? kImplicitBit : 0);
      const int offset = std::max(biased_exponent, 1) + kOffsetOfExponentZero;
      const auto term = static_cast<std::int64_t>(significand);
      sums[offset] += (bits >> 63) != 0 ? -term : term;
      lowest = std::min(lowest, offset);
      highest = std::max(highest, offset);
    }
    flush_pending(sums, lowest, highest);
  }
}

void ExactSum::add_squares(std::span<const double> values, double shift) noexcept {
  std::int64_t* sums = pending_sums.data();
  constexpr std::uint64_t kLow53 = (std::uint64_t{1} << 53) - 1;
  for (std::size_t begin = 0; begin < values.size(); begin += kValuesPerFlush) {
    const std::size_t end = std::min(values.size(), begin + kValuesPerFlush);
    int lowest = kPendingOffsets, highest = -1;
    for (std::size_t i = begin; i < end; ++i) {
      const double x = values[i] - shift;
      const auto bits = std::bit_cast<std::uint64_t>(x);
      const int biased_exponent = static_cast<int>((bits >> 52) & 0x7FF);
      if (biased_exponent < kFastSquareMinExponent || biased_exponent > kFastSquareMaxExponent)
          [[unlikely]] {
        if (x != 0.0) add_square(x);  // NaN, infinity, overflow, underflow: the scalar rules
        continue;
      }
      const std::uint64_t significand = (bits & kSignificandMask) | kImplicitBit;
      const Uint128 square = Uint128{significand} * significand;  // below 2^106
      const int offset = 2 * (biased_exponent + kOffsetOfExponentZero) + kLowestExponent;
      sums[offset] += static_cast<std::int64_t>(static_cast<std::uint64_t>(square) & kLow53);
      sums[offset + 53] += static_cast<std::int64_t>(static_cast<std::uint64_t>(square >> 53));
      lowest = std::min(lowest, offset);
      highest = std::max(highest, offset + 53);
    }
    flush_pending(sums, lowest, highest);
  }
}

void ExactSum::flush_pending(std::int64_t* sums, int lowest, int highest) noexcept {
  for (int k = lowest; k <= highest; ++k) {
    const std::int64_t s = sums[k];
    if (s == 0) continue;
    sums[k] = 0;
    if (adds_since_normalise_ >= kAddsBetweenNormalise) normalise();
    ++adds_since_normalise_;
    const auto magnitude = static_cast<std::uint64_t>(s);
    add_digits(limbs_, s < 0, s < 0 ? 0 - magnitude : magnitude, k);
  }
}

void ExactSum::merge(const ExactSum& other) noexcept {
  for (int i = 0; i < kLimbs; ++i) limbs_[i] += other.limbs_[i];
  n_nan_ += other.n_nan_;
  n_pos_inf_ += other.n_pos_inf_;
  n_neg_inf_ += other.n_neg_inf_;
  normalise();
}

double ExactSum::value() const noexcept {
  if (n_nan_ > 0 || (n_pos_inf_ > 0 && n_neg_inf_ > 0)) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (n_pos_inf_ > 0) return std::numeric_limits<double>::infinity();
  if (n_neg_inf_ > 0) return -std::numeric_limits<double>::infinity();

  Limbs digits = limbs_;
  balance(digits);
  const int top = highest_nonzero(digits);
  if (top < 0) return 0.0;
  // With balanced digits the lower ones cannot outweigh the top one, which thus gives the sign.
  const bool negative = digits[top] < 0;
  if (negative) {
    for (auto& d : digits) d = -d;
  }
  make_unsigned(digits);
  const double magnitude = round_to_double(digits);
  return negative ? -magnitude : magnitude;
}

std::array<std::int64_t, ExactSum::kStateSize> ExactSum::state() const noexcept {
  Limbs digits = limbs_;
  balance(digits);
  std::array<std::int64_t, kStateSize> out{};
  for (int i = 0; i < kLimbs; ++i) out[i] = digits[i];
  out[kLimbs] = n_nan_;
  out[kLimbs + 1] = n_pos_inf_;
  out[kLimbs + 2] = n_neg_inf_;
  return out;
}

ExactSum ExactSum::from_state(std::span<const std::int64_t, kStateSize> state) noexcept {
  ExactSum sum;
  for (int i = 0; i < kLimbs; ++i) sum.limbs_[i] = state[i];
  sum.n_nan_ = state[kLimbs];
  sum.n_pos_inf_ = state[kLimbs + 1];
  sum.n_neg_inf_ = state[kLimbs + 2];
  sum.normalise();
  return sum;
}

void ExactSum::normalise() noexcept {
  balance(limbs_);
  adds_since_normalise_ = 0;
}

}  // namespace costsweep::stats
