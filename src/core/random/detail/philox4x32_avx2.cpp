// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011; the
// round and key schedule of Random123's philox.h) on 4 counters per 256-bit register: each
// 64-bit lane holds one 32-bit word in its low half. _mm256_mul_epu32 reads only the low halves,
// so the garbage that XOR leaves in the high halves never reaches a low half, and the final
// blend drops it.
#include <immintrin.h>

#include <cstdint>

#include "core/random/detail/philox_kernels.hpp"
#include "core/random/philox_stream.hpp"

namespace costsweep::random::detail {
namespace {

constexpr std::uint32_t kMultiplier0 = 0xD2511F53;
constexpr std::uint32_t kMultiplier1 = 0xCD9E8D57;
constexpr std::uint32_t kWeyl0 = 0x9E3779B9;
constexpr std::uint32_t kWeyl1 = 0xBB67AE85;
constexpr int kRounds = 10;

struct Words {
  __m256i w0, w1, w2, w3;
};

__attribute__((target("avx2"))) inline Words philox_rounds(Words c, const __m256i* keys0,
                                                           const __m256i* keys1) {
  const __m256i m0 = _mm256_set1_epi64x(kMultiplier0);
  const __m256i m1 = _mm256_set1_epi64x(kMultiplier1);
  for (int r = 0; r < kRounds; ++r) {
    const __m256i p0 = _mm256_mul_epu32(c.w0, m0);
    const __m256i p1 = _mm256_mul_epu32(c.w2, m1);
    c = Words{_mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), c.w1), keys0[r]), p1,
              _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), c.w3), keys1[r]), p0};
  }
  return c;
}

// open_unit of (high << 32) | low, 4 lanes: 1 + k 2^-52 from the bits, minus 1 (exact), plus
// 2^-53 (exact: (2k + 1) 2^-53 has at most 53 significant bits). Equal to open_unit's value.
__attribute__((target("avx2"))) inline __m256d to_open_unit(__m256i low, __m256i high) {
  const __m256i bits = _mm256_blend_epi32(low, _mm256_slli_epi64(high, 32), 0b10101010);
  const __m256i one_plus =
      _mm256_or_si256(_mm256_srli_epi64(bits, 12), _mm256_set1_epi64x(0x3FF0000000000000LL));
  const __m256d fraction = _mm256_sub_pd(_mm256_castsi256_pd(one_plus), _mm256_set1_pd(1.0));
  return _mm256_add_pd(fraction, _mm256_set1_pd(0x1.0p-53));
}

// Counters c .. c + 3 of the stream (the lanes' 64-bit sums wrap as the scalar ones do).
__attribute__((target("avx2"))) inline Words counters_from(std::uint64_t c, __m256i stream_low,
                                                           __m256i stream_high) {
  const auto lane = [c](std::uint64_t i) { return static_cast<long long>(c + i); };
  const __m256i counters = _mm256_setr_epi64x(lane(0), lane(1), lane(2), lane(3));
  return Words{counters, _mm256_srli_epi64(counters, 32), stream_low, stream_high};
}

// Lanes hold 4 consecutive counters; draws alternate even (words 0, 1) and odd (words 2, 3).
__attribute__((target("avx2"))) inline void store_uniforms(const Words& w, double* out) {
  const __m256d even = to_open_unit(w.w0, w.w1);
  const __m256d odd = to_open_unit(w.w2, w.w3);
  const __m256d lo = _mm256_unpacklo_pd(even, odd);  // e0 o0 e2 o2
  const __m256d hi = _mm256_unpackhi_pd(even, odd);  // e1 o1 e3 o3
  _mm256_storeu_pd(out, _mm256_permute2f128_pd(lo, hi, 0x20));
  _mm256_storeu_pd(out + 4, _mm256_permute2f128_pd(lo, hi, 0x31));
}

}  // namespace

__attribute__((target("avx2"))) void fill_counters_avx2(std::uint64_t seed, std::uint64_t stream,
                                                        std::uint64_t first_counter,
                                                        std::uint64_t n_counters,
                                                        double* out) noexcept {
  __m256i keys0[kRounds], keys1[kRounds];
  auto key0 = static_cast<std::uint32_t>(seed);
  auto key1 = static_cast<std::uint32_t>(seed >> 32);
  for (int r = 0; r < kRounds; ++r, key0 += kWeyl0, key1 += kWeyl1) {
    keys0[r] = _mm256_set1_epi64x(key0);
    keys1[r] = _mm256_set1_epi64x(key1);
  }
  const __m256i stream_low = _mm256_set1_epi64x(static_cast<std::uint32_t>(stream));
  const __m256i stream_high = _mm256_set1_epi64x(static_cast<std::uint32_t>(stream >> 32));
  std::uint64_t j = 0;
  // Two independent groups of 4 counters per step hide the multiplies' latency.
  for (; j + 8 <= n_counters; j += 8) {
    const Words a =
        philox_rounds(counters_from(first_counter + j, stream_low, stream_high), keys0, keys1);
    const Words b =
        philox_rounds(counters_from(first_counter + j + 4, stream_low, stream_high), keys0, keys1);
    store_uniforms(a, out + 2 * j);
    store_uniforms(b, out + 2 * j + 8);
  }
  fill_counters_portable(seed, stream, first_counter + j, n_counters - j, out + 2 * j);
}

}  // namespace costsweep::random::detail
