#include "core/distributions/detail/vector_math.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

// GCC warns once that a 32-byte vector argument or return would change the ABI without AVX.
// F64x4 never crosses a call: every function taking one is always_inline into an AVX2 function.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace costsweep::dist::detail {
namespace {

// One template per kernel serves every path. D is double (scalar and portable paths) or F64x4,
// four lanes of GCC's vector extensions: operators act lane by lane, comparisons give
// all-ones/zero masks, and m ? a : b blends. Inlined into a target("avx2") function, F64x4
// operations are single AVX2 instructions; each lane's arithmetic is the scalar arithmetic.
constexpr int kLanes = 4;
using F64x4 = double __attribute__((vector_size(8 * kLanes)));
using U64x4 = std::uint64_t __attribute__((vector_size(8 * kLanes)));

template <class D>
using BitsOf = std::conditional_t<std::is_same_v<D, double>, std::uint64_t, U64x4>;

template <class D>
[[gnu::always_inline]] inline D splat(double x) {
  if constexpr (std::is_same_v<D, double>) {
    return x;
  } else {
    return D{} + x;  // +0 + x is x for every x but -0, which no kernel constant is
  }
}

// std::bit_cast is an ordinary function that an unoptimised build calls, passing the vector in
// the non-AVX convention from an AVX2 caller; the builtin is always expanded in place.
template <class To, class From>
[[gnu::always_inline]] inline To bit_cast(From x) {
  return __builtin_bit_cast(To, x);
}

template <class M, class D>
[[gnu::always_inline]] inline D select(M mask, D if_true, D if_false) {
  return mask ? if_true : if_false;
}

// Each lane through the correctly rounded scalar sqrt (the build has -fno-math-errno for this
// file, so it is one instruction, which the compiler packs).
template <class D>
[[gnu::always_inline]] inline D sqrt_lanes(D x) {
  if constexpr (std::is_same_v<D, double>) {
    return __builtin_sqrt(x);
  } else {
    D root;
    for (int i = 0; i < kLanes; ++i) root[i] = __builtin_sqrt(x[i]);
    return root;
  }
}

// musl's log.c (from fdlibm's e_log.c, Sun Microsystems 1993): x = 2^k (1 + f) with
// sqrt(2)/2 <= 1 + f < sqrt(2), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2))
// with R a minimax polynomial (|error| < 2^-58.45). Subnormals are scaled by 2^54 first.
constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 32 significant bits: k * kLn2Hi exact
constexpr double kLn2Lo = 1.90821492927058770002e-10;
constexpr double kLg1 = 6.666666666666735130e-01, kLg2 = 3.999999999940941908e-01,
                 kLg3 = 2.857142874366239149e-01, kLg4 = 2.222219843214978396e-01,
                 kLg5 = 1.818357216161805012e-01, kLg6 = 1.531383769920937332e-01,
                 kLg7 = 1.479819860511658591e-01;

template <class D>
[[gnu::always_inline]] inline D log_lanes(D x) {
  using Bits = BitsOf<D>;
  const auto subnormal = x < splat<D>(0x1p-1022);
  x = select(subnormal, x * 0x1p54, x);
  const D exponent_bias = select(subnormal, splat<D>(1023.0 + 54.0), splat<D>(1023.0));
  // musl adds 0x3ff00000 - 0x3fe6a09e to the high word: the exponent field goes up by one
  // exactly when the mantissa is at least sqrt(2), which gives k with 1 + f in
  // [sqrt(2)/2, sqrt(2)); the mantissa bits are then rebased at 0x3fe6a09e.
  const Bits shifted = bit_cast<Bits>(x) + 0x00095f6200000000ULL;
  // The biased exponent (< 2^11) placed in the mantissa of 2^52 converts it to double exactly.
  const D k = bit_cast<D>((shifted >> 52) | 0x4330000000000000ULL) - 0x1p52 - exponent_bias;
  const D f = bit_cast<D>((shifted & 0x000fffffffffffffULL) + 0x3fe6a09e00000000ULL) - 1.0;
  const D hfsq = 0.5 * f * f;
  const D s = f / (2.0 + f);
  const D z = s * s;
  const D w = z * z;
  const D t1 = w * (kLg2 + w * (kLg4 + w * kLg6));
  const D t2 = z * (kLg1 + w * (kLg3 + w * (kLg5 + w * kLg7)));
  const D r = t2 + t1;
  return s * (hfsq + r) + k * kLn2Lo - hfsq + f + k * kLn2Hi;
}

// musl's exp.c before 2017 (fdlibm's e_exp.c): x = k ln2 + r, |r| <= ln2/2, with k rounded by
// the 1.5 * 2^52 trick; exp(r) = 1 + r + r c / (2 - c), c = r - r^2 P(r^2) (|error| < 2^-59);
// the result is scaled by 2^k in two exact steps 2^k1 2^k2 so that k1, k2 stay in the exponent
// range down to the subnormals (only the last multiplication can round).
constexpr double kInvLn2 = 1.44269504088896338700e+00;
constexpr double kP1 = 1.66666666666666019037e-01, kP2 = -2.77777777770155933842e-03,
                 kP3 = 6.61375632143793436117e-05, kP4 = -1.65339022054652515390e-06,
                 kP5 = 4.13813679705723846039e-08;
constexpr double kRoundingShift = 0x1.8p52;

template <class D>
[[gnu::always_inline]] inline D exp_lanes(D x) {
  using Bits = BitsOf<D>;
  // Beyond [-746, 710] the result is 0 or inf anyway; NaN fails both tests and stays NaN.
  x = select(x > splat<D>(710.0), splat<D>(710.0), x);
  x = select(x < splat<D>(-746.0), splat<D>(-746.0), x);
  const D shifted = x * kInvLn2 + kRoundingShift;
  const D k = shifted - kRoundingShift;
  const D hi = x - k * kLn2Hi;
  const D lo = k * kLn2Lo;
  const D r = hi - lo;
  const D rr = r * r;
  const D c = r - rr * (kP1 + rr * (kP2 + rr * (kP3 + rr * (kP4 + rr * kP5))));
  const D y = 1.0 + (r * c / (2.0 - c) - lo + hi);
  // k as an integer, offset by 2048 so it is non-negative: k in [-1077, 1025].
  const Bits k_offset = bit_cast<Bits>(shifted) - bit_cast<std::uint64_t>(kRoundingShift) + 2048;
  const Bits k1_biased = (k_offset >> 1) - 1024 + 1023;  // floor(k / 2) + 1023
  const Bits k2_biased = k_offset - (k_offset >> 1) - 1024 + 1023;
  return y * bit_cast<D>(k1_biased << 52) * bit_cast<D>(k2_biased << 52);
}

// Coefficients of PPND16 from M. J. Wichura, "Algorithm AS 241: The percentage points of the
// normal distribution", Applied Statistics 37(3), 477-484 (1988), lowest order first.
using Coefficients = std::array<double, 8>;
constexpr Coefficients kA = {3.3871328727963666080e0,  1.3314166789178437745e+2,
                             1.9715909503065514427e+3, 1.3731693765509461125e+4,
                             4.5921953931549871457e+4, 6.7265770927008700853e+4,
                             3.3430575583588128105e+4, 2.5090809287301226727e+3};
constexpr Coefficients kB = {1.0,
                             4.2313330701600911252e+1,
                             6.8718700749205790830e+2,
                             5.3941960214247511077e+3,
                             2.1213794301586595867e+4,
                             3.9307895800092710610e+4,
                             2.8729085735721942674e+4,
                             5.2264952788528545610e+3};
constexpr Coefficients kC = {1.42343711074968357734e0,  4.63033784615654529590e0,
                             5.76949722146069140550e0,  3.64784832476320460504e0,
                             1.27045825245236838258e0,  2.41780725177450611770e-1,
                             2.27238449892691845833e-2, 7.74545014278341407640e-4};
constexpr Coefficients kD = {1.0,
                             2.05319162663775882187e0,
                             1.67638483018380384940e0,
                             6.89767334985100004550e-1,
                             1.48103976427480074590e-1,
                             1.51986665636164571966e-2,
                             5.47593808499534494600e-4,
                             1.05075007164441684324e-9};
constexpr Coefficients kE = {6.65790464350110377720e0,  5.46378491116411436990e0,
                             1.78482653991729133580e0,  2.96560571828504891230e-1,
                             2.65321895265761230930e-2, 1.24266094738807843860e-3,
                             2.71155556874348757815e-5, 2.01033439929228813265e-7};
constexpr Coefficients kF = {1.0,
                             5.99832206555887937690e-1,
                             1.36929880922735805310e-1,
                             1.48753612908506148525e-2,
                             7.86869131145613259100e-4,
                             1.84631831751005468180e-5,
                             1.42151175831644588870e-7,
                             2.04426310338993978564e-15};
constexpr double kSplit1 = 0.425;
constexpr double kSplit2 = 5.0;
constexpr double kConst1 = 0.180625;  // kSplit1 squared
constexpr double kConst2 = 1.6;

// True if any lane's mask is set.
[[gnu::always_inline]] inline bool any(bool mask) { return mask; }
template <class M>
[[gnu::always_inline]] inline bool any(M mask) {
  return (mask[0] | mask[1] | mask[2] | mask[3]) != 0;
}

// The coefficients of one AS241 region, or of the near (r <= 5) and far tails blended per lane.
struct OneRegion {
  const Coefficients& numerator;
  const Coefficients& denominator;
  template <class D>
  [[gnu::always_inline]] D numerator_at(std::size_t i) const {
    return splat<D>(numerator[i]);
  }
  template <class D>
  [[gnu::always_inline]] D denominator_at(std::size_t i) const {
    return splat<D>(denominator[i]);
  }
};

template <class M>
struct NearOrFarTail {
  M near;
  template <class D>
  [[gnu::always_inline]] D numerator_at(std::size_t i) const {
    return select(near, splat<D>(kC[i]), splat<D>(kE[i]));
  }
  template <class D>
  [[gnu::always_inline]] D denominator_at(std::size_t i) const {
    return select(near, splat<D>(kD[i]), splat<D>(kF[i]));
  }
};

// Horner's rule for numerator and denominator together (two independent chains), written out
// by recursion because GCC keeps a loop over the coefficient arrays otherwise.
template <int I, class D, class Region>
[[gnu::always_inline]] inline void horner_steps(const Region& region, D x, D& num, D& den) {
  num = num * x + region.template numerator_at<D>(I);
  den = den * x + region.template denominator_at<D>(I);
  if constexpr (I > 0) horner_steps<I - 1>(region, x, num, den);
}

template <class D, class Region>
[[gnu::always_inline]] inline D rational(const Region& region, D x) {
  D num = region.template numerator_at<D>(7);
  D den = region.template denominator_at<D>(7);
  horner_steps<6>(region, x, num, den);
  return num / den;
}

// AS241 with the same operations as the branching form in each region. The tails (log, sqrt
// and their rational function, blended per lane between near and far) are computed only when
// some lane needs them; a lane's value never depends on that choice, only the time does.
template <class D>
[[gnu::always_inline]] inline D inverse_normal_lanes(D p) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  const D q = p - 0.5;  // exact for p in [0.25, 1] (Sterbenz) and accurate below
  const auto lower = q < splat<D>(0.0);
  const D abs_q = select(lower, -q, q);
  const auto central = abs_q <= splat<D>(kSplit1);
  D z = q * rational(OneRegion{kA, kB}, kConst1 - q * q);
  if (any(abs_q > splat<D>(kSplit1))) {
    // The smaller of p and 1 - p; 1 - p is exact for p >= 0.5.
    const D r = sqrt_lanes(-log_lanes(select(lower, p, 1.0 - p)));
    const auto near = r <= splat<D>(kSplit2);
    const D tail = rational(NearOrFarTail<decltype(near)>{near},
                            r - select(near, splat<D>(kConst2), splat<D>(kSplit2)));
    z = select(central, z, select(lower, -tail, tail));
  }
  z = select(p == splat<D>(0.0), splat<D>(-kInf), z);
  z = select(p == splat<D>(1.0), splat<D>(kInf), z);
  const auto in_domain = (p >= splat<D>(0.0)) & (p <= splat<D>(1.0));
  return select(in_domain, z, splat<D>(std::numeric_limits<double>::quiet_NaN()));
}

[[gnu::always_inline]] __attribute__((target("avx2"))) inline F64x4 load(const double* p) {
  F64x4 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

[[gnu::always_inline]] __attribute__((target("avx2"))) inline void store(double* p, F64x4 v) {
  std::memcpy(p, &v, sizeof v);
}

void inverse_normal_portable(const double* p, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = inverse_normal_lanes(p[i]);
}

__attribute__((target("avx2"))) void inverse_normal_avx2(const double* p, double* out,
                                                         std::size_t n) noexcept {
  std::size_t i = 0;
  // Two independent vectors per step: each is one long dependency chain.
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const F64x4 a = inverse_normal_lanes(load(p + i));
    const F64x4 b = inverse_normal_lanes(load(p + i + kLanes));
    store(out + i, a);
    store(out + i + kLanes, b);
  }
  for (; i + kLanes <= n; i += kLanes) store(out + i, inverse_normal_lanes(load(p + i)));
  for (; i < n; ++i) out[i] = inverse_normal_lanes(p[i]);
}

void affine_exp_portable(const double* x, double a, double b, double* out, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i) out[i] = exp_lanes(a + b * x[i]);
}

__attribute__((target("avx2"))) void affine_exp_avx2(const double* x, double a, double b,
                                                     double* out, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) store(out + i, exp_lanes(a + b * load(x + i)));
  for (; i < n; ++i) out[i] = exp_lanes(a + b * x[i]);
}

}  // namespace

double log_kernel(double x) noexcept { return log_lanes(x); }
double exp_kernel(double x) noexcept { return exp_lanes(x); }
double inverse_normal_kernel(double p) noexcept { return inverse_normal_lanes(p); }

void inverse_normal_block(const double* p, double* out, std::size_t n, simd::Isa isa) noexcept {
  if (isa == simd::Isa::kAvx2) {
    inverse_normal_avx2(p, out, n);
  } else {
    inverse_normal_portable(p, out, n);
  }
}

void affine_exp_block(const double* x, double a, double b, double* out, std::size_t n,
                      simd::Isa isa) noexcept {
  if (isa == simd::Isa::kAvx2) {
    affine_exp_avx2(x, a, b, out, n);
  } else {
    affine_exp_portable(x, a, b, out, n);
  }
}

}  // namespace costsweep::dist::detail
