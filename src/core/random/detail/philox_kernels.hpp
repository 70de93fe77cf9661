#pragma once
/// Column kernels behind random::fill_uniform, one per instruction set, exposed so tests can
/// check that they agree bit for bit.
#include <cstdint>

namespace costsweep::random::detail {

/// out[2j], out[2j + 1] = the uniforms of draws 2(first_counter + j) and 2(first_counter + j) + 1
/// for j < n_counters, computed one counter at a time with Random123's r123::Philox4x32.
void fill_counters_portable(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_counter,
                            std::uint64_t n_counters, double* out) noexcept;

/// The same values, 8 counters at a time with AVX2. Precondition: simd::cpu_has_avx2().
void fill_counters_avx2(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_counter,
                        std::uint64_t n_counters, double* out) noexcept;

}  // namespace costsweep::random::detail
