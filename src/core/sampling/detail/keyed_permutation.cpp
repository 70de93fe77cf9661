#include "core/sampling/detail/keyed_permutation.hpp"

#include <bit>
#include <utility>

namespace costsweep::sampling::detail {
namespace {

std::uint64_t low_mask(int bits) noexcept { return (std::uint64_t{1} << bits) - 1; }

// SplitMix64's finaliser (Steele, Lea and Flood, OOPSLA 2014): a bijective 64-bit mixer whose
// every output bit depends on every input bit, used as the keyed round function F(R ^ key).
std::uint64_t mix64(std::uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

KeyedPermutation::KeyedPermutation(std::uint64_t n, const Keys& round_keys) noexcept
    : n_(n), round_keys_(round_keys) {
  const int bits = static_cast<int>(std::bit_width(n - 1));
  left_bits_ = bits / 2;
  right_bits_ = bits - left_bits_;
}

std::uint64_t KeyedPermutation::operator()(std::uint64_t i) const noexcept {
  // Cycle walking: i lies on a cycle of the network's permutation of [0, 2^b); following it from
  // i reaches a value below n again at the latest when it returns to i.
  std::uint64_t x = feistel(i);
  while (x >= n_) x = feistel(x);
  return x;
}

std::uint64_t KeyedPermutation::feistel(std::uint64_t x) const noexcept {
  // Unbalanced Feistel: (L, R) of widths (p, q) -> (R, L ^ F(R) mod 2^p) of widths (q, p). It is
  // invertible for any F, and after an even number of rounds the widths are back to (p, q).
  int left_width = left_bits_;
  int right_width = right_bits_;
  std::uint64_t left = x >> right_width;
  std::uint64_t right = x & low_mask(right_width);
  for (const std::uint64_t key : round_keys_) {
    const std::uint64_t new_right = (left ^ mix64(right ^ key)) & low_mask(left_width);
    left = right;
    right = new_right;
    std::swap(left_width, right_width);
  }
  return (left << right_width) | right;
}

}  // namespace costsweep::sampling::detail
