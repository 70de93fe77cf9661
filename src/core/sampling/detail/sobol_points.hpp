#pragma once
/// Unrandomised Sobol' points as 64-bit binary fractions (x = value * 2^-64), computed directly
/// from the point index from the Joe-Kuo direction numbers in Boost.Random's table
/// (new-joe-kuo-6.21201; dimension 0 is the van der Corput sequence).
#include <array>
#include <cstdint>

namespace costsweep::sampling::detail {

/// v[j] = the j-th direction number (0-based) of one dimension, as a 64-bit fraction.
using SobolDirections = std::array<std::uint64_t, 64>;

/// The direction numbers of `dimension` by the recurrence of Bratley and Fox (ACM TOMS 14, 1988,
/// section 2) from the primitive polynomial and initial numbers m_1..m_s of Boost's table.
/// Precondition: dimension < kSobolDimensions (plans.hpp).
SobolDirections sobol_directions(std::uint32_t dimension) noexcept;

/// Point `index` in Gray-code order (Antonov and Saleev 1979): the XOR of v[j] over the set bits
/// j of index ^ (index >> 1). Point 0 is 0; points 1, 2, 3 of dimension 0 are 1/2, 3/4, 1/4.
std::uint64_t sobol_point(const SobolDirections& directions, std::uint64_t index) noexcept;

}  // namespace costsweep::sampling::detail
