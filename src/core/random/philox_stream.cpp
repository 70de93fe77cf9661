#include "core/random/philox_stream.hpp"

#include <Random123/philox.h>

namespace costsweep::random {
namespace {

using Philox = r123::Philox2x64;
constexpr double kTwoToMinus53 = 0x1.0p-53;

double to_open_unit(std::uint64_t bits) noexcept {
  return (static_cast<double>(bits >> 11) + 0.5) * kTwoToMinus53;
}

Philox::ctr_type block_counter(std::uint64_t stream, std::uint64_t draw) noexcept {
  return Philox::ctr_type{{draw >> 1, stream}};
}

}  // namespace

std::uint64_t stream_id(std::string_view name) noexcept {
  std::uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
  for (const char c : name) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;  // FNV-1a 64-bit prime
  }
  return hash;
}

double uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t draw) noexcept {
  const Philox philox;
  const auto out = philox(block_counter(stream, draw), Philox::key_type{{seed}});
  return to_open_unit(out.v[draw & 1]);
}

void fill_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t first_draw,
                  Eigen::Ref<Eigen::ArrayXd> out) noexcept {
  const Philox philox;
  const Philox::key_type key{{seed}};
  const auto n = static_cast<std::uint64_t>(out.size());
  std::uint64_t i = 0;
  // An odd first draw takes the second word of its counter; afterwards whole counters.
  if (n > 0 && (first_draw & 1) != 0) {
    out[0] = uniform(seed, stream, first_draw);
    i = 1;
  }
  for (; i + 1 < n; i += 2) {
    const auto words = philox(block_counter(stream, first_draw + i), key);
    out[static_cast<Eigen::Index>(i)] = to_open_unit(words.v[0]);
    out[static_cast<Eigen::Index>(i + 1)] = to_open_unit(words.v[1]);
  }
  if (i < n) out[static_cast<Eigen::Index>(i)] = uniform(seed, stream, first_draw + i);
}

}  // namespace costsweep::random
