#pragma once
/// A keyed pseudorandom permutation of [0, n) that evaluates pi(i) for any single i in O(1)
/// expected time, without building the permutation: an 8-round unbalanced Feistel network on
/// the b = ceil(log2 n) bit domain [0, 2^b), restricted to [0, n) by cycle walking (apply the
/// network again until the value falls below n; since 2^b < 2n, under two rounds of walking on
/// average). Any Feistel network is a bijection whatever its round function, and cycle walking
/// a bijection of [0, 2^b) gives one of [0, n) (Black and Rogaway, "Ciphers with arbitrary finite
/// domains", CT-RSA 2002).
#include <array>
#include <cstdint>

namespace costsweep::sampling::detail {

class KeyedPermutation {
 public:
  static constexpr int kRounds = 8;
  using Keys = std::array<std::uint64_t, kRounds>;

  /// Precondition: 1 <= n <= 2^62.
  KeyedPermutation(std::uint64_t n, const Keys& round_keys) noexcept;

  /// pi(i). Precondition: i < n.
  std::uint64_t operator()(std::uint64_t i) const noexcept;

 private:
  std::uint64_t feistel(std::uint64_t x) const noexcept;

  std::uint64_t n_;
  int left_bits_;
  int right_bits_;
  Keys round_keys_;
};

}  // namespace costsweep::sampling::detail
