#include "core/random/philox_stream.hpp"

#include <Random123/philox.h>

#include "core/random/detail/philox_kernels.hpp"
#include "core/simd/isa.hpp"

namespace costsweep::random {
namespace {

using Philox = r123::Philox4x32;

Philox::ctr_type::value_type low(std::uint64_t x) noexcept {
  return static_cast<Philox::ctr_type::value_type>(x);
}
Philox::ctr_type::value_type high(std::uint64_t x) noexcept {
  return static_cast<Philox::ctr_type::value_type>(x >> 32);
}

Philox::ctr_type philox_words(std::uint64_t seed, std::uint64_t stream,
                              std::uint64_t counter) noexcept {
  const Philox philox;
  return philox(Philox::ctr_type{{low(counter), high(counter), low(stream), high(stream)}},
                Philox::key_type{{low(seed), high(seed)}});
}

std::uint64_t join(std::uint32_t low_word, std::uint32_t high_word) noexcept {
  return (std::uint64_t{high_word} << 32) | low_word;
}

}  // namespace

namespace detail {

void fill_counters_portable(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_counter,
                            std::uint64_t n_counters, double* out) noexcept {
  for (std::uint64_t j = 0; j < n_counters; ++j) {
    const auto words = philox_words(seed, stream, first_counter + j);
    const auto* w = words.v;
    out[2 * j] = open_unit(join(w[0], w[1]));
    out[2 * j + 1] = open_unit(join(w[2], w[3]));
  }
}

}  // namespace detail

std::uint64_t stream_id(std::string_view name) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }
  return hash;
}

std::uint64_t random_bits(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept {
  const auto words = philox_words(seed, stream, draw >> 1);
  const auto* w = words.v;
  return (draw & 1) == 0 ? join(w[0], w[1]) : join(w[2], w[3]);
}

double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept {
  return open_unit(random_bits(seed, stream, draw));
}

void fill_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_draw,
                  Eigen::Ref<Eigen::ArrayXd> out) noexcept {
  const auto n = static_cast<std::uint64_t>(out.size());
  double* data = out.data();
  std::uint64_t i = 0;
  // An odd first draw takes the second half of its counter; afterwards whole counters.
  if (n > 0 && (first_draw & 1) != 0) {
    data[0] = uniform(seed, stream, first_draw);
    i = 1;
  }
  const std::uint64_t n_counters = (n - i) / 2;
  const std::uint64_t first_counter = (first_draw + i) >> 1;
  if (simd::active_isa() == simd::Isa::kAvx2) {
    detail::fill_counters_avx2(seed, stream, first_counter, n_counters, data + i);
  } else {
    detail::fill_counters_portable(seed, stream, first_counter, n_counters, data + i);
  }
  i += 2 * n_counters;
  if (i < n) data[i] = uniform(seed, stream, first_draw + i);
}

}  // namespace costsweep::random
