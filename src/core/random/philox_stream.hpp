#pragma once
/// Counter-based random streams: the uniform for (seed, stream, draw index) is a pure function
/// of those three values (Philox4x32-10 from Random123), so no result depends on which rank or
/// block draws it, nor on the instruction set that computes it.
#include <Eigen/Core>
#include <cstdint>
#include <string_view>

namespace costsweep::random {

/// Stream id of a named variable (64-bit FNV-1a of the name). Streams are keyed by name, so
/// adding or reordering variables in a job leaves every other variable's draws unchanged.
std::uint64_t stream_id(std::string_view name) noexcept;

/// The 64 random bits behind a draw: Philox4x32-10 with key {seed_lo, seed_hi} (32-bit halves)
/// and counter {c_lo, c_hi, stream_lo, stream_hi} for c = draw / 2; an even draw takes output
/// words (w1 << 32) | w0, an odd one (w3 << 32) | w2.
std::uint64_t random_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept;

/// The uniform of 64 random bits: (k + 0.5) * 2^-52 for k = the top 52 bits. Every step is
/// exact in double (k + 0.5 = (2k + 1) / 2 with 2k + 1 < 2^53), so the value lies strictly
/// inside (0, 1): the smallest is 2^-53, the largest 1 - 2^-53, on a grid of step 2^-52.
/// (A 53-bit k would not do: k + 0.5 rounds for k >= 2^52, and 2^53 - 0.5 rounds to 1.)
constexpr double open_unit(std::uint64_t bits) noexcept {
  return (static_cast<double>(bits >> 12) + 0.5) * 0x1.0p-52;
}

/// open_unit(random_bits(seed, stream, draw)).
double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept;

/// out[i] = uniform(seed, stream, first_draw + i) for every i of the column, with AVX2 where
/// simd::active_isa() says so (same bits).
void fill_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_draw,
                  Eigen::Ref<Eigen::ArrayXd> out) noexcept;

}  // namespace costsweep::random
