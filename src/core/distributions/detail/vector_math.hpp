#pragma once
/// Kernels of the block quantiles: the inverse normal CDF (AS241), exp and log, made only of
/// correctly rounded IEEE operations (+ - * / sqrt, comparisons and blends) and integer
/// operations on the bits, so the scalar, portable and AVX2 forms give the same bits (the build
/// never contracts a*b+c). Each lane's arithmetic is branch-free; the inverse normal skips its
/// tail arithmetic for a group of lanes that are all central, which changes no value.
/// std::exp/std::log are not used: their last bit can depend on the libm code path a CPU takes.
#include <cstddef>

#include "core/simd/isa.hpp"

namespace costsweep::dist::detail {

/// Natural log, fdlibm's e_log.c algorithm (maximum error measured in vector_math_test.cpp).
/// Precondition: x positive and finite (subnormals included).
double log_kernel(double x) noexcept;

/// e^x, fdlibm's e_exp.c algorithm; +inf above ~709.78, subnormal then 0 below ~-708.4, NaN
/// for NaN.
double exp_kernel(double x) noexcept;

/// Inverse standard normal CDF: Wichura's AS241 (PPND16) with log_kernel in the tails.
/// -inf at 0, +inf at 1, NaN outside [0, 1].
double inverse_normal_kernel(double p) noexcept;

/// out[i] = inverse_normal_kernel(p[i]) for i < n; out may equal p.
void inverse_normal_block(const double* p, double* out, std::size_t n,
                          simd::Isa isa = simd::active_isa()) noexcept;

/// out[i] = exp_kernel(a + b * x[i]) for i < n; out may equal x.
void affine_exp_block(const double* x, double a, double b, double* out, std::size_t n,
                      simd::Isa isa = simd::active_isa()) noexcept;

}  // namespace costsweep::dist::detail
