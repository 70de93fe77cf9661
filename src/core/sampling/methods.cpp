#include "core/sampling/methods.hpp"

#include <bit>
#include <stdexcept>
#include <string>

#include "core/errors/errors.hpp"
#include "core/random/philox_stream.hpp"
#include "core/sampling/detail/keyed_permutation.hpp"
#include "core/sampling/detail/sobol_points.hpp"
#include "core/sampling/detail/stratum.hpp"

namespace costsweep::sampling {
namespace {

// Key draws of a variable's Philox stream: never a sample draw, since n_draws <= kMaxDraws.
constexpr std::uint64_t kLatinHypercubeKeyDraw = std::uint64_t{1} << 63;
constexpr std::uint64_t kSobolShiftKeyDraw = kLatinHypercubeKeyDraw + 64;

// The top 53 of the 64 random bits of a key draw.
std::uint64_t key_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t key_draw) noexcept {
  return random::random_bits(seed, stream, key_draw) >> 11;
}

// random::open_unit of a 53-bit value: its top 52 bits, strictly inside (0, 1).
double to_open_unit(std::uint64_t bits53) noexcept { return random::open_unit(bits53 << 11); }

void fill_latin_hypercube(std::uint64_t seed, std::uint64_t stream, std::uint64_t n_draws,
                          std::uint64_t first_draw, Eigen::Ref<Eigen::ArrayXd> out) {
  detail::KeyedPermutation::Keys keys{};
  for (std::size_t r = 0; r < keys.size(); ++r) {
    keys[r] = key_bits(seed, stream, kLatinHypercubeKeyDraw + r);
  }
  const detail::KeyedPermutation permutation(n_draws, keys);
  // The position within the stratum is the variable's Monte Carlo uniform of the same draw.
  random::fill_uniform(seed, stream, first_draw, out);
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    const std::uint64_t stratum = permutation(first_draw + static_cast<std::uint64_t>(i));
    out[i] = detail::point_in_stratum(stratum, out[i], n_draws);
  }
}

void fill_sobol(std::uint64_t seed, std::uint64_t stream, std::uint32_t dimension,
                std::uint64_t first_draw, Eigen::Ref<Eigen::ArrayXd> out) {
  const detail::SobolDirections directions = detail::sobol_directions(dimension);
  // Random digital shift: XOR with the same 53 random bits for every point of the variable keeps
  // each dyadic interval's count (it permutes the intervals of every level) and makes each
  // point uniform on the 53-bit grid, so the estimator is unbiased and point 0 is not 0.
  const std::uint64_t shift = key_bits(seed, stream, kSobolShiftKeyDraw);
  std::uint64_t point = detail::sobol_point(directions, first_draw);
  for (Eigen::Index i = 0; i < out.size(); ++i) {
    out[i] = to_open_unit((point >> 11) ^ shift);
    // Gray code: the code of index + 1 differs from that of index in bit ctz(index + 1).
    const std::uint64_t next = first_draw + static_cast<std::uint64_t>(i) + 1;
    point ^= directions[static_cast<std::size_t>(std::countr_zero(next))];
  }
}

void check_block(Method plan, std::uint32_t dimension, std::uint64_t n_draws,
                 std::uint64_t first_draw, Eigen::Index size) {
  const std::string name(method_name(plan));
  if (n_draws > kMaxDraws) {
    throw InputError("cannot sample " + std::to_string(n_draws) + " draws with plan '" + name +
                     "': at most " + std::to_string(kMaxDraws) + " draws are supported");
  }
  if (plan == Method::kSobol && dimension >= kSobolDimensions) {
    throw InputError("cannot sample dimension " + std::to_string(dimension) +
                     " with plan 'sobol': Boost's Joe-Kuo table has dimensions 0 to " +
                     std::to_string(kSobolDimensions - 1));
  }
  const auto count = static_cast<std::uint64_t>(size);
  if (first_draw > n_draws || count > n_draws - first_draw) {
    throw std::invalid_argument("cannot fill uniforms for draws [" + std::to_string(first_draw) +
                                ", " + std::to_string(first_draw + count) + "): the study has " +
                                std::to_string(n_draws) + " draws");
  }
}

}  // namespace

Method parse_method(std::string_view name) {
  for (const Method plan : {Method::kMonteCarlo, Method::kLatinHypercube, Method::kSobol}) {
    if (name == method_name(plan)) return plan;
  }
  throw InputError("cannot read sampling plan '" + std::string(name) +
                   "': expected mc, lhs or sobol");
}

std::string_view method_name(Method plan) noexcept {
  switch (plan) {
    case Method::kMonteCarlo:
      return "mc";
    case Method::kLatinHypercube:
      return "lhs";
    case Method::kSobol:
      return "sobol";
  }
  return "mc";
}

void fill_uniforms(Method plan, std::uint64_t seed, std::uint64_t stream, std::uint32_t dimension,
                   std::uint64_t n_draws, std::uint64_t first_draw,
                   Eigen::Ref<Eigen::ArrayXd> out) {
  check_block(plan, dimension, n_draws, first_draw, out.size());
  if (out.size() == 0) return;  // n_draws may be 0, which has no permutation
  switch (plan) {
    case Method::kMonteCarlo:
      random::fill_uniform(seed, stream, first_draw, out);
      return;
    case Method::kLatinHypercube:
      fill_latin_hypercube(seed, stream, n_draws, first_draw, out);
      return;
    case Method::kSobol:
      fill_sobol(seed, stream, dimension, first_draw, out);
      return;
  }
}

}  // namespace costsweep::sampling
