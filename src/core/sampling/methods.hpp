#pragma once
/// Sampling plans: how the uniform in (0, 1) behind each (variable, draw) is chosen. Every plan
/// makes the uniform a pure function of (seed, stream, dimension, n_draws, draw index), so any
/// split of the draws into blocks and ranks gives the same bits.
///
/// - kMonteCarlo: the variable's Philox stream itself (random::uniform).
/// - kLatinHypercube: draw i lies in stratum pi(i) of n_draws equal strata, at the variable's
///   Philox uniform of draw i within it; pi is a keyed pseudorandom permutation of [0, n_draws)
///   (an 8-round Feistel network with cycle walking) that any rank evaluates at any i alone.
/// - kSobol: point i, in Gray-code order from point 0, of the Sobol' sequence with the Joe-Kuo
///   (new-joe-kuo-6.21201) direction numbers shipped with Boost.Random, randomised by a digital
///   shift (XOR with 53 key bits). Any 2^m consecutive draws aligned at a multiple of 2^m put
///   exactly one point in each interval [k 2^-m, (k + 1) 2^-m) of every dimension, so n_draws
///   should be a power of two.
///
/// Keys (Feistel round keys, Sobol shift) are the top 53 random bits of the variable's own Philox
/// stream at draw indices from 2^63 on, which no study reaches, so each key is fixed by (seed,
/// stream).
#include <Eigen/Core>
#include <cstdint>
#include <string_view>

namespace costsweep::sampling {

enum class Method { kMonteCarlo, kLatinHypercube, kSobol };

/// The largest number of draws a study may have under any plan (2^52): Latin hypercube strata
/// must stay wider than two doubles of spacing, and key draws start at 2^63.
inline constexpr std::uint64_t kMaxDraws = std::uint64_t{1} << 52;

/// The number of variables a Sobol' study may have: dimensions 0 .. kSobolDimensions - 1 (the
/// size of Boost.Random's Joe-Kuo table).
inline constexpr std::uint32_t kSobolDimensions = 3667;

/// The plan named "mc", "lhs" or "sobol". Throws InputError naming the allowed names.
Method parse_method(std::string_view name);

/// The name parse_method reads for `plan`.
std::string_view method_name(Method plan) noexcept;

/// out[i] = the plan's uniform in (0, 1) for draw first_draw + i of variable `stream` (with
/// 0-based variable number `dimension`, used by kSobol only) in a study of n_draws draws with
/// `seed`. kMonteCarlo gives exactly random::fill_uniform. Values are random::open_unit values
/// (52-bit resolution, in [2^-53, 1 - 2^-53]; Sobol points keep the top 52 of their 53 bits) except
/// Latin hypercube ones, which are (stratum + Philox uniform) / n_draws rounded into the stratum.
/// Throws InputError if n_draws > kMaxDraws or, for kSobol, dimension >= kSobolDimensions;
/// std::invalid_argument if the block does not lie within [0, n_draws).
void fill_uniforms(Method plan, std::uint64_t seed, std::uint64_t stream, std::uint32_t dimension,
                   std::uint64_t n_draws, std::uint64_t first_draw, Eigen::Ref<Eigen::ArrayXd> out);

}  // namespace costsweep::sampling
