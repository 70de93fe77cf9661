#pragma once
/// Counter-based random streams: the uniform for (seed, stream, draw index) is a pure function
/// of those three values (Philox2x64-10 from Random123), so no result depends on which rank or
/// block draws it.
#include <Eigen/Core>
#include <cstdint>
#include <string_view>

namespace costsweep::random {

/// Stream id of a named variable (64-bit FNV-1a of the name). Streams are keyed by name, so
/// adding or reordering variables in a job leaves every other variable's draws unchanged.
std::uint64_t stream_id(std::string_view name) noexcept;

/// Uniform in the open interval (0, 1) with 53-bit resolution: (k + 0.5) * 2^-53 where k is the
/// top 53 bits of the Philox2x64-10 output word (draw mod 2) for counter
/// {draw / 2, stream} and key {seed}. Smallest value 2^-54, largest 1 - 2^-54.
double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept;

/// out[i] = uniform(seed, stream, first_draw + i) for every i of the column.
void fill_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_draw,
                  Eigen::Ref<Eigen::ArrayXd> out) noexcept;

}  // namespace costsweep::random
