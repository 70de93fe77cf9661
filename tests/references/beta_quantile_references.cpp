// References of tests/unit/beta_quantile_test.cpp: the same inputs, solver and closed forms the
// test used to evaluate at compile time, as double-doubles (the test measures error in ulp).
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "reference_points.hpp"
#include "reference_writer.hpp"

namespace costsweep::test_data {
namespace {

const std::vector<double>& kShapes = kBetaShapes;

std::vector<double> levels() { return beta_levels(); }

// z with I_z(a, b) = p in 50 digits: Newton's method on ln I(e^s) = ln p in s = ln z, kept in a
// bracket by bisection, from the leading term (p a B(a, b))^(1/a). Boost 1.74's ibeta_inv
// gives up ("exceeded 200 iterations") on some of these, even in cpp_bin_float_50, so the root
// is found here and certified by its residual, computed with Boost's 50-digit ibeta.
Big solve(double a, double b, double p) {
  const Big log_p = log(Big(p));
  Big s = (log_p + log(Big(a)) + log(boost::math::beta(Big(a), Big(b)))) / a;
  if (s > -1e-3) s = -1e-3;
  Big s_lo = -1e6, s_hi = 0;
  for (int step = 0; step < 400; ++step) {
    const Big z = exp(s);
    const Big cdf = boost::math::ibeta(Big(a), Big(b), z);
    const Big g = log(cdf) - log_p;
    (g > 0 ? s_hi : s_lo) = s;
    Big next = s - g * cdf / (z * boost::math::ibeta_derivative(Big(a), Big(b), z));
    if (!(next > s_lo && next < s_hi)) next = (s_lo + s_hi) / 2;
    const Big change = abs(next - s);
    s = next;
    if (change < Big(1e-45) * (1 + abs(s))) break;
  }
  const Big z = exp(s);
  if (!(abs(boost::math::ibeta(Big(a), Big(b), z) / p - 1) < 1e-40)) {
    throw std::runtime_error("cannot solve I_z(" + std::to_string(a) + ", " + std::to_string(b) +
                             ") = " + std::to_string(p) + " to 1e-40");
  }
  return z;
}

Big reference(double a, double b, double u) {
  return u > 0.5 ? 1 - solve(b, a, 1 - u) : solve(a, b, u);  // 1 - u is exact for u > 1/2
}

// A quantile below the smallest normal double is written as 0 0: the test checks only that
// its own result underflows there.
void quantile_row(ReferenceWriter& out, double a, double b, double u) {
  const Big want = reference(a, b, u);
  if (want < std::numeric_limits<double>::min()) {
    out.row("quantile", {a, b, u}, {0.0, 0.0});
  } else {
    out.double_double_row("quantile", {a, b, u}, want);
  }
}

}  // namespace

void write_beta_quantile_references(const std::string& directory) {
  ReferenceWriter out(directory, "beta_quantile.txt", "tests/unit/beta_quantile_test.cpp",
                      "tests/references/beta_quantile_references.cpp");
  out.comment("quantile a b u: Q(u) of beta(a, b), 0 0 where Q is below the least normal;");
  out.comment("mode_at_lo shape u: 1 - (1 - u)^(1/shape); mode_at_hi shape u: u^(1/shape);");
  out.comment("arcsine u: sin^2(pi u / 2).");
  for (const double a : kShapes) {
    for (const double b : kShapes) {
      for (const double u : levels()) quantile_row(out, a, b, u);
    }
  }
  // pert(0, 0.3, 1, lambda=50) and pert(2, 9, 10, lambda=50).
  for (const auto& [a, b] : {std::pair{16.0, 36.0}, std::pair{44.75, 7.25}}) {
    for (const double u : levels()) quantile_row(out, a, b, u);
  }
  for (const double shape : {5.0, 51.0}) {
    for (const double u : levels()) {
      out.double_double_row("mode_at_lo", {shape, u}, 1 - pow(1 - Big(u), 1 / Big(shape)));
      out.double_double_row("mode_at_hi", {shape, u}, pow(Big(u), 1 / Big(shape)));
    }
  }
  const Big half_pi = boost::math::constants::half_pi<Big>();
  for (const double u : levels()) {
    if (u < 1e-100) continue;  // Q underflows; the test skips it
    const Big s = sin(half_pi * Big(u));
    out.double_double_row("arcsine", {u}, s * s);
  }
  out.close();
}

}  // namespace costsweep::test_data
