// References of tests/unit/distributions_test.cpp: the same inputs and 50-digit formulas the
// test used to evaluate at compile time, rounded to double (the test's tolerances are many ulp).
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <vector>

#include "reference_writer.hpp"

namespace costsweep::test_data {
namespace {

const std::vector<double> kLevels = {1e-12, 1e-6, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 1 - 1e-6};

Big reference_z(double u) {
  return boost::math::quantile(boost::math::normal_distribution<Big>(), Big(u));
}

Big reference_normal_cdf(Big x) {
  return boost::math::cdf(boost::math::normal_distribution<Big>(), x);
}

void write_closed_forms(ReferenceWriter& out) {
  for (const double u : kLevels) {
    out.row("uniform(2,5)", {u}, {static_cast<double>(Big(2) + Big(u) * 3)});
    out.row("loguniform(1e-3,1e3)", {u},
            {static_cast<double>(pow(Big(1e-3), 1 - Big(u)) * pow(Big(1e3), Big(u)))});
  }
  struct Case {
    double lo, mode, hi;
  };
  for (const Case c : {Case{1, 2, 5}, Case{0, 0, 1}, Case{0, 1, 1}, Case{-3, 0.5, 2}}) {
    const Big lo(c.lo), mode(c.mode), hi(c.hi);
    for (const double u : kLevels) {
      const Big f = (mode - lo) / (hi - lo);
      const Big want = Big(u) < f ? lo + sqrt(Big(u) * (hi - lo) * (mode - lo))
                                  : hi - sqrt((1 - Big(u)) * (hi - lo) * (hi - mode));
      out.row("triangular", {c.lo, c.mode, c.hi, u}, {static_cast<double>(want)});
    }
  }
}

void write_normal_families(ReferenceWriter& out) {
  for (const double u : kLevels) {
    const Big z = reference_z(u);
    // Values: the quantile and, for the tolerance, z.
    out.row("normal(10,3)", {u}, {static_cast<double>(10 + 3 * z), static_cast<double>(z)});
    const Big arg = Big(1.5) + Big(0.8) * z;
    // Values: the quantile and, for the tolerance, its log.
    out.row("lognormal(1.5,0.8)", {u}, {static_cast<double>(exp(arg)), static_cast<double>(arg)});
  }
  out.row("normal_cdf", {-20}, {static_cast<double>(reference_normal_cdf(-20))});
  out.row("normal(3,2).isf", {1e-200}, {static_cast<double>(3 - 2 * reference_z(1e-200))});
  // x as the test computes it, in double.
  const double x = std::exp(0.5 + 1.5 * 12);
  const Big arg = -(log(Big(x)) - Big(0.5)) / Big(1.5);
  out.row("lognormal(0.5,1.5).sf", {x}, {static_cast<double>(reference_normal_cdf(arg))});
  out.row("lognormal(0.5,1.5).isf", {1e-100},
          {static_cast<double>(exp(Big(0.5) - Big(1.5) * reference_z(1e-100)))});
}

void write_beta(ReferenceWriter& out) {
  struct Case {
    double a, b;
  };
  for (const Case c : {Case{2, 5}, Case{0.5, 0.5}, Case{5, 1.5}, Case{30, 0.7}}) {
    const boost::math::beta_distribution<Big> reference(c.a, c.b);
    for (const double u : {1e-6, 0.01, 0.2, 0.5, 0.8, 0.99}) {
      out.row("beta", {c.a, c.b, u},
              {static_cast<double>(boost::math::quantile(reference, Big(u)))});
    }
  }
}

}  // namespace

void write_distributions_references(const std::string& directory) {
  ReferenceWriter out(directory, "distributions.txt", "tests/unit/distributions_test.cpp",
                      "tests/references/distributions_references.cpp");
  out.comment("Rows are named after the test's expressions, z the standard normal quantile:");
  out.comment("normal(10,3) u: 10 + 3 z(u), z(u);");
  out.comment("lognormal(1.5,0.8) u: exp(arg), arg = 1.5 + 0.8 z(u).");
  write_closed_forms(out);
  write_normal_families(out);
  write_beta(out);
  out.close();
}

}  // namespace costsweep::test_data
