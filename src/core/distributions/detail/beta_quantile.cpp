#include "core/distributions/detail/beta_quantile.hpp"

#include <algorithm>
#include <bit>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>

namespace costsweep::dist::detail {
namespace {

using Real = long double;
namespace bmp = boost::math::policies;
// Boost.Math reports problems through its return value (NaN) rather than by throwing; the
// build checks every value it takes from Boost and falls back where one is not finite.
using QuietPolicy =
    bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                bmp::overflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>>;

// Series terms computed beyond the degree, to bound what the polynomial leaves out.
constexpr int kExtraTerms = 2;
constexpr int kTerms = BetaQuantile::kDegree + 1 + kExtraTerms;
using Series = std::array<Real, kTerms>;

std::uint64_t key_of(double p) {
  return std::bit_cast<std::uint64_t>(p) >> (52 - BetaQuantile::kBinadeBits);
}
double start_of(std::uint64_t key) {
  return std::bit_cast<double>(key << (52 - BetaQuantile::kBinadeBits));
}

// Taylor coefficients z_n of the quantile z(p0 + h) of Beta(alpha, beta), from dz/dp =
// exp(H(z)) with H(z) = ln B(alpha, beta) + (1 - alpha) ln z + (1 - beta) ln(1 - z): the series
// of ln z and ln(1 - z) follow from z (L' z = z'), exp(H) from H (E' = H' E), and each
// coefficient of z from the one of exp(H) below it (Moore's recurrences for power series).
// inverse_density = 1 / pdf(z0) is the first derivative.
Series quantile_series(Real alpha, Real beta, Real z0, Real inverse_density) {
  Series z{}, ln_z{}, ln_1mz{}, h{}, e{};
  z[0] = z0;
  e[0] = inverse_density;
  z[1] = e[0];
  const Real w0 = 1 - z0;
  for (int n = 1; n + 1 < kTerms; ++n) {
    Real sum_z = 0, sum_w = 0;
    for (int k = 1; k < n; ++k) {
      sum_z += k * ln_z[k] * z[n - k];
      sum_w -= k * ln_1mz[k] * z[n - k];
    }
    ln_z[n] = (z[n] - sum_z / n) / z0;
    ln_1mz[n] = (-z[n] - sum_w / n) / w0;
    h[n] = (1 - alpha) * ln_z[n] + (1 - beta) * ln_1mz[n];
    Real sum_e = 0;
    for (int k = 1; k <= n; ++k) sum_e += k * h[k] * e[n - k];
    e[n] = sum_e / n;
    z[n + 1] = e[n] / (n + 1);
  }
  return z;
}

Real polynomial(const Series& z, Real h, int degree) {
  Real sum = z[degree];
  for (int n = degree - 1; n >= 0; --n) sum = sum * h + z[n];
  return sum;
}

// Newton's method on I_z(alpha, beta) = p in long double from a start good to ~1e-10 or better;
// NaN if it does not settle.
Real solve(Real alpha, Real beta, Real p, Real z) {
  for (int step = 0; step < 6; ++step) {
    const Real residual = boost::math::ibeta(alpha, beta, z, QuietPolicy()) - p;
    const Real density = boost::math::ibeta_derivative(alpha, beta, z, QuietPolicy());
    const Real next = z - residual / density;
    if (!std::isfinite(next) || next <= 0 || next >= 1)
      return std::numeric_limits<Real>::quiet_NaN();
    const Real change = std::fabs(next - z);
    z = next;
    // From an error e, one step leaves about e^2 times the density's log-derivative.
    if (change < 1e-10L * z) return z;
  }
  return std::numeric_limits<Real>::quiet_NaN();
}

// z with I_z(alpha, beta) = p <= 1/2 in long double, for the tails and the table's first node:
// Newton's method on g(s) = ln I(e^s) - ln p, which is nearly linear in s = ln z (slope alpha
// in the tail), from the leading term z = (p alpha B)^(1/alpha), kept inside a bracket by
// bisection. Boost 1.74's ibeta_inv is not used: for beta(5, 1.5) at p = 1e-300 it throws,
// and for beta(2, 5) it returns 4e-51 (the answer is 2.4e-150).
Real solve_from_tail(Real alpha, Real beta, Real p) {
  const Real log_p = std::log(p);
  const Real log_beta = std::lgamma(alpha) + std::lgamma(beta) - std::lgamma(alpha + beta);
  Real s = std::min((log_p + std::log(alpha) + log_beta) / alpha, Real(-1e-3));
  Real s_lo = -std::numeric_limits<Real>::infinity(), s_hi = 0;
  for (int step = 0; step < 200; ++step) {
    const Real z = std::exp(s);
    const Real cdf = boost::math::ibeta(alpha, beta, z, QuietPolicy());
    if (!(z > 0) || !(cdf > 0)) return z;  // below the long double range: Q underflows
    const Real g = std::log(cdf) - log_p;
    (g > 0 ? s_hi : s_lo) = s;
    const Real slope = z * boost::math::ibeta_derivative(alpha, beta, z, QuietPolicy()) / cdf;
    Real next = s - g / slope;
    if (!(next > s_lo && next < s_hi)) {
      next = std::isfinite(s_lo) ? (s_lo + s_hi) / 2 : s - std::max(Real(1), 2 * std::fabs(s));
    }
    const Real change = std::fabs(next - s);
    s = next;
    if (change < 1e-15L * std::max(Real(1), std::fabs(s))) break;
  }
  // exp(s) carries |s| ulp of s into z (690 at z = 1e-300); two steps in z itself remove it.
  Real z = std::exp(s);
  for (int step = 0; step < 2 && z > 0; ++step) {
    const Real residual = boost::math::ibeta(alpha, beta, z, QuietPolicy()) - p;
    const Real next = z - residual / boost::math::ibeta_derivative(alpha, beta, z, QuietPolicy());
    if (next > 0 && next < 1) z = next;
  }
  return z;
}

}  // namespace

BetaQuantile::BetaQuantile(double a, double b) : a_(a), b_(b) {
  if (!(a >= kMinShape && a <= kMaxShape && b >= kMinShape && b <= kMaxShape)) return;
  first_key_ = key_of(kSmallestTabulated);
  n_per_branch_ = static_cast<std::int64_t>(key_of(0.5) - first_key_);
  intervals_.resize(2 * static_cast<std::size_t>(n_per_branch_));
  build_branch(false);
  build_branch(true);
}

double BetaQuantile::boost_quantile(double u) const {
  return boost::math::ibeta_inv(a_, b_, u, QuietPolicy());
}

double BetaQuantile::solved(double p, bool upper) const {
  return upper ? static_cast<double>(1 - solve_from_tail(b_, a_, p))
               : static_cast<double>(solve_from_tail(a_, b_, p));
}

double BetaQuantile::evaluate(const Interval& interval, double p) const {
  // Sterbenz: p and the centre are within a factor 2 of each other, so h is exact.
  const double h = p - interval.centre;
  double sum = interval.coefficients[kDegree - 1];
  for (int n = kDegree - 2; n >= 0; --n) sum = sum * h + interval.coefficients[n];
  return interval.value_hi + (interval.value_lo + sum * h);
}

void BetaQuantile::build_branch(bool upper) {
  // Upper branch: x = 1 - z with z the quantile of Beta(b, a) at p = 1 - u.
  const Real alpha = upper ? b_ : a_, beta = upper ? a_ : b_;
  const std::int64_t n = n_per_branch_;
  const auto centre = [&](std::int64_t j) {
    return 0.5 * (start_of(first_key_ + j) + start_of(first_key_ + j + 1));
  };
  // Nodes j = -1 .. n are the centres of the intervals 0 .. n - 1 and of one neighbour on
  // each side, so that every polynomial is checked against both neighbouring nodes.
  std::vector<Real> node(static_cast<std::size_t>(n + 2));
  const auto at = [&](std::int64_t j) -> Real& { return node[static_cast<std::size_t>(j + 1)]; };
  at(n) = solve_from_tail(alpha, beta, centre(n));
  Interval* const branch = intervals_.data() + (upper ? n : 0);
  for (std::int64_t j = n; j >= 0; --j) {
    const Real z0 = at(j);
    const Real density = boost::math::ibeta_derivative(alpha, beta, z0, QuietPolicy());
    const bool usable =
        std::isfinite(z0) && z0 > 1e-290L && z0 < 1 && density > 0 && std::isfinite(1 / density);
    const Series series = quantile_series(alpha, beta, z0, usable ? 1 / density : 0);
    // The next node down: the series' prediction, polished by Newton's method. The size of
    // the polish is the series' error one and a half to two half-widths out.
    const Real step = static_cast<Real>(centre(j - 1)) - static_cast<Real>(centre(j));
    const Real guess = polynomial(series, step, kDegree);
    Real below = usable ? solve(alpha, beta, centre(j - 1), guess) : Real(-1);
    if (!(below > 0)) {
      below = solve_from_tail(alpha, beta, centre(j - 1));
    }
    at(j - 1) = below;
    if (j == n) continue;
    const Real half_width =
        static_cast<Real>(centre(j)) - static_cast<Real>(start_of(first_key_ + j));
    Real left_out = 0;
    for (int k = kDegree + 1; k < kTerms; ++k)
      left_out += std::fabs(series[k]) * std::pow(half_width, k);
    const Real up = static_cast<Real>(centre(j + 1)) - static_cast<Real>(centre(j));
    const Real right_error = std::fabs(polynomial(series, up, kDegree) - at(j + 1));
    const Real scale = upper ? 1 - z0 : z0;
    const Real error = std::max({std::fabs(guess - below), right_error, left_out}) / scale;
    Interval& interval = branch[j];
    interval.centre = centre(j);
    const Real value = upper ? 1 - z0 : z0;
    interval.value_hi = static_cast<double>(value);
    interval.value_lo = static_cast<double>(value - interval.value_hi);
    for (int k = 1; k <= kDegree; ++k) {
      interval.coefficients[k - 1] = static_cast<double>(upper ? -series[k] : series[k]);
    }
    interval.fallback = !usable || !(error <= kMaxCheckedError);
    if (interval.fallback) {
      ++n_fallback_;
    } else {
      max_checked_error_ = std::max(max_checked_error_, static_cast<double>(error));
    }
  }
  // Clamp bounds, from the top down: each interval's outputs stay on their side of the next
  // interval's first output (and the top of the upper branch on its side of u = 1/2's).
  double bound = upper ? (*this)(0.5) : 1.0;
  for (std::int64_t j = n - 1; j >= 0; --j) {
    branch[j].bound = bound;
    const double p = start_of(first_key_ + j);
    bound = output(branch[j], p, upper);
  }
  (upper ? upper_tail_bound_ : lower_tail_bound_) = bound;
}

double BetaQuantile::output(const Interval& interval, double p, bool upper) const {
  const double x = interval.fallback ? solved(p, upper) : evaluate(interval, p);
  return upper ? std::max(x, interval.bound) : std::min(x, interval.bound);
}

double BetaQuantile::operator()(double u) const {
  if (intervals_.empty() || !(u > 0.0 && u < 1.0)) return boost_quantile(u);
  const bool upper = u > 0.5;
  const double p = upper ? 1.0 - u : u;  // exact for u > 1/2
  if (p < kSmallestTabulated) {
    return upper ? std::max(solved(p, true), upper_tail_bound_)
                 : std::min(solved(p, false), lower_tail_bound_);
  }
  // u = 1/2 is the right end of the last interval.
  const auto index = std::min(static_cast<std::int64_t>(key_of(p) - first_key_), n_per_branch_ - 1);
  return output(intervals_[static_cast<std::size_t>(index + (upper ? n_per_branch_ : 0))], p,
                upper);
}

void BetaQuantile::operator()(const Eigen::Ref<const Eigen::ArrayXd>& u,
                              Eigen::Ref<Eigen::ArrayXd> out) const {
  for (Eigen::Index i = 0; i < u.size(); ++i) out[i] = (*this)(u[i]);
}

}  // namespace costsweep::dist::detail
