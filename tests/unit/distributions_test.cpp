#include <gtest/gtest.h>

#include <bit>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "core/distributions/distribution.hpp"
#include "reference_table.hpp"

namespace costsweep::dist {
namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// inverse_normal_cdf's contract (AS241, see inverse_normal_test.cpp).
constexpr double kZRelTol = 1e-15;

const std::vector<double> kLevels = {1e-12, 1e-6, 0.01, 0.05, 0.2, 0.5, 0.8, 0.95, 0.99, 1 - 1e-6};

double relative_error(double got, double want) { return std::fabs(got - want) / std::fabs(want); }

// 50-digit references at this file's points, rounded to double: made by
// tests/references/distributions_references.cpp (rows named after the test's expressions).
const test_data::ReferenceTable& references() {
  return test_data::reference_file("distributions.txt");
}

TEST(DistributionsTest, UniformQuantileIsLinear) {
  const auto d = parse("uniform(2, 5)");
  for (const double u : kLevels) {
    const double want = references().value("uniform(2,5)", {u});
    EXPECT_LE(relative_error(d->quantile(u), want), 2 * kEps) << "u = " << u;
  }
}

TEST(DistributionsTest, LoguniformQuantileIsGeometricInterpolation) {
  const auto d = parse("loguniform(1e-3, 1e3)");
  for (const double u : kLevels) {
    // a^(1-u) b^u; the logs of a and b (about 7) carry a rounding error each into exp.
    const double want = references().value("loguniform(1e-3,1e3)", {u});
    EXPECT_LE(relative_error(d->quantile(u), want), 32 * kEps) << "u = " << u;
  }
}

TEST(DistributionsTest, TriangularQuantileMatchesClosedFormInverse) {
  struct Case {
    double lo, mode, hi;
  };
  for (const Case c : {Case{1, 2, 5}, Case{0, 0, 1}, Case{0, 1, 1}, Case{-3, 0.5, 2}}) {
    const auto d = parse("triangular(" + std::to_string(c.lo) + ", " + std::to_string(c.mode) +
                         ", " + std::to_string(c.hi) + ")");
    for (const double u : kLevels) {
      // u < (mode - lo) / (hi - lo) ? lo + sqrt(u (hi - lo) (mode - lo))
      //                             : hi - sqrt((1 - u) (hi - lo) (hi - mode))
      const double want = references().value("triangular", {c.lo, c.mode, c.hi, u});
      EXPECT_NEAR(d->quantile(u), want, 8 * kEps * (c.hi - c.lo)) << d->describe() << " u = " << u;
    }
  }
}

TEST(DistributionsTest, NormalQuantileMatchesFiftyDigitReference) {
  const auto d = parse("normal(mean=10, sd=3)");
  for (const double u : kLevels) {
    // 10 + 3 z(u), and z(u) for the tolerance.
    const auto& reference = references().values("normal(10,3)", {u}, 2);
    const double want = reference[0], z = reference[1];
    const double tol = 3 * std::fabs(z) * kZRelTol + 4 * kEps * want;
    EXPECT_NEAR(d->quantile(u), want, tol) << "u = " << u;
  }
}

TEST(DistributionsTest, LognormalQuantileIsExpOfMuPlusSigmaZ) {
  const auto d = parse("lognormal(mu=1.5, sigma=0.8)");
  for (const double u : kLevels) {
    // exp(arg) and arg = 1.5 + 0.8 z(u).
    const auto& reference = references().values("lognormal(1.5,0.8)", {u}, 2);
    const double want = reference[0], arg = reference[1];
    // exp turns an absolute error in its argument into the same relative error.
    const double tol = 0.8 * std::fabs(arg) * kZRelTol + (4 + std::fabs(arg)) * kEps;
    EXPECT_LE(relative_error(d->quantile(u), want), tol) << "u = " << u;
  }
}

TEST(DistributionsTest, NormalAndLognormalTailsAreAccurate) {
  const auto normal = parse("normal(mean=3, sd=2)");
  // sf(43) = Phi(-20), about 2.8e-89; erfc's condition number bounds the error by 400 ulp.
  EXPECT_LE(relative_error(normal->sf(43), references().value("normal_cdf", {-20})), 404 * kEps);
  const double want_isf = references().value("normal(3,2).isf", {1e-200});  // 3 - 2 z(1e-200)
  EXPECT_LE(relative_error(normal->isf(1e-200), want_isf), 2 * kZRelTol);
  const auto lognormal = parse("lognormal(mu=0.5, sigma=1.5)");
  const double x = std::exp(0.5 + 1.5 * 12);
  // Phi(-(ln x - 0.5) / 1.5), and exp(0.5 - 1.5 z(1e-100)).
  EXPECT_LE(relative_error(lognormal->sf(x), references().value("lognormal(0.5,1.5).sf", {x})),
            1e-12);
  const double want = references().value("lognormal(0.5,1.5).isf", {1e-100});
  EXPECT_LE(relative_error(lognormal->isf(1e-100), want), 40 * kZRelTol);
}

TEST(DistributionsTest, BetaQuantileMatchesMultiprecisionBeta) {
  struct Case {
    double a, b;
  };
  for (const Case c : {Case{2, 5}, Case{0.5, 0.5}, Case{5, 1.5}, Case{30, 0.7}}) {
    const auto d = parse("beta(" + std::to_string(c.a) + ", " + std::to_string(c.b) + ")");
    for (const double u : {1e-6, 0.01, 0.2, 0.5, 0.8, 0.99}) {
      const double want = references().value("beta", {c.a, c.b, u});
      // Boost computes ibeta_inv in long double, so a few ulp is the expected accuracy.
      EXPECT_LE(relative_error(d->quantile(u), want), 8 * kEps) << d->describe() << " u = " << u;
    }
  }
}

// The PERT density integrated numerically, independent of Boost's incomplete beta.
double pert_cdf_by_quadrature(double lo, double mode, double hi, double lambda, double x) {
  const double alpha = 1 + lambda * (mode - lo) / (hi - lo);
  const double beta = 1 + lambda * (hi - mode) / (hi - lo);
  const auto density = [&](double t) {
    return std::pow(t - lo, alpha - 1) * std::pow(hi - t, beta - 1);
  };
  boost::math::quadrature::tanh_sinh<double> integrator;
  return integrator.integrate(density, lo, x) / integrator.integrate(density, lo, hi);
}

TEST(DistributionsTest, PertQuantileMatchesIntegratedDensity) {
  const auto classic = parse("pert(1, 3, 10)");
  const auto flat = parse("pert(0, 0.2, 1, lambda=2)");
  for (const double u : {1e-4, 0.05, 0.3, 0.5, 0.7, 0.95, 0.9999}) {
    // tanh-sinh quadrature of this smooth density is good to about 1e-15.
    EXPECT_NEAR(pert_cdf_by_quadrature(1, 3, 10, 4, classic->quantile(u)), u, 1e-14);
    EXPECT_NEAR(pert_cdf_by_quadrature(0, 0.2, 1, 2, flat->quantile(u)), u, 1e-14);
  }
}

const std::vector<std::string> kSpecs = {"uniform(-1, 3)",
                                         "loguniform(0.01, 100)",
                                         "normal(mean=5, sd=2)",
                                         "lognormal(mu=0.5, sigma=1.2)",
                                         "triangular(1, 2, 5)",
                                         "triangular(0, 0, 1)",
                                         "pert(1, 3, 10)",
                                         "beta(2, 5)",
                                         "beta(0.5, 0.5)",
                                         "truncate(normal(0, 1), -1, 2)",
                                         "truncate(normal(0, 1), 3, 4)",
                                         "truncate(lognormal(mu=0, sigma=1), 0.5, 3)",
                                         "truncate(truncate(normal(0, 1), -2, 2), 0, 5)"};

TEST(DistributionsTest, CdfAndSfInvertTheQuantileForEveryFamily) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (const auto& spec : kSpecs) {
    const auto d = parse(spec);
    for (const double level : kLevels) {
      const double u = 1 - (1 - level);  // so that 1 - u is exact
      const double x = d->quantile(u);
      // A few ulp of 1 (some cdfs subtract from 1), plus what one ulp of x moves the cdf where
      // it is steep. Relative accuracy in the tails is tested per family above and below.
      const double ulp_step = d->cdf(std::nextafter(x, kInf)) - d->cdf(std::nextafter(x, -kInf));
      const double tol = 4 * kEps + ulp_step;
      EXPECT_NEAR(d->cdf(x), u, tol) << spec << " u = " << u;
      EXPECT_NEAR(d->sf(x), 1 - u, tol) << spec << " u = " << u;
      EXPECT_NEAR(d->sf(d->isf(1 - u)), 1 - u, tol) << spec << " u = " << u;
    }
  }
}

TEST(DistributionsTest, PercentileLognormalsRecoverTheirPercentiles) {
  struct Case {
    std::string spec;
    double lo_level, lo_value, hi_level, hi_value;
  };
  const std::vector<Case> cases = {{"lognormal(p5=0.1, p95=0.9)", 5, 0.1, 95, 0.9},
                                   {"lognormal(p10=2, p90=50)", 10, 2, 90, 50},
                                   {"lognormal(p25=1e3, p75=3e3)", 25, 1e3, 75, 3e3},
                                   {"lognormal(p2.5=1.5e15, p97.5=4e17)", 2.5, 1.5e15, 97.5, 4e17},
                                   {"lognormal(p90=50, p10=2)", 10, 2, 90, 50},
                                   {"0.15 to 0.35", 5, 0.15, 95, 0.35},
                                   {"1e24 to 5e24", 5, 1e24, 95, 5e24}};
  for (const auto& c : cases) {
    const auto d = parse(c.spec);
    EXPECT_EQ(d->describe().rfind("lognormal(", 0), 0U) << c.spec;
    // ln(value) (up to 55 here) carries a rounding error that exp turns into a relative one.
    const double tol = (8 + 4 * std::fabs(std::log(c.hi_value))) * kEps;
    EXPECT_LE(relative_error(d->quantile(c.lo_level / 100), c.lo_value), tol) << c.spec;
    EXPECT_LE(relative_error(d->quantile(c.hi_level / 100), c.hi_value), tol) << c.spec;
  }
}

TEST(DistributionsTest, AToBWithNonPositiveAIsANormalWithThoseFifthAndNinetyFifthPercentiles) {
  struct Case {
    const char* spec;
    double a, b;
  };
  for (const Case c :
       {Case{"-1 to 3", -1, 3}, Case{"0 to 2", 0, 2}, Case{"-pi to -1", -std::numbers::pi, -1}}) {
    const auto d = parse(c.spec);
    EXPECT_EQ(d->describe().rfind("normal(", 0), 0U) << c.spec;
    EXPECT_NEAR(d->quantile(0.05), c.a, 8 * kEps * (c.b - c.a)) << c.spec;
    EXPECT_NEAR(d->quantile(0.95), c.b, 8 * kEps * (c.b - c.a)) << c.spec;
  }
}

TEST(DistributionsTest, MeanAndSdLognormalRecoversTheMoments) {
  struct Case {
    double mean, sd;
  };
  for (const auto [mean, sd] : {Case{10, 4}, Case{0.3, 0.05}, Case{2e6, 7e6}}) {
    const auto d =
        parse("lognormal(mean=" + std::to_string(mean) + ", sd=" + std::to_string(sd) + ")");
    double mu = 0, sigma = 0;
    ASSERT_EQ(std::sscanf(d->describe().c_str(), "lognormal(mu=%lf, sigma=%lf)", &mu, &sigma), 2);
    // E X = exp(mu + sigma^2 / 2), Var X = (exp(sigma^2) - 1) exp(2 mu + sigma^2).
    const double got_mean = std::exp(mu + sigma * sigma / 2);
    const double got_sd = got_mean * std::sqrt(std::expm1(sigma * sigma));
    const double tol = (8 + 4 * std::fabs(mu)) * kEps;
    EXPECT_LE(relative_error(got_mean, mean), tol) << d->describe();
    EXPECT_LE(relative_error(got_sd, sd), tol) << d->describe();
  }
}

TEST(DistributionsTest, TruncateStaysInBoundsAndMatchesTheAnalyticTruncatedCdf) {
  const auto lower = parse("truncate(normal(0, 1), -1, 2)");
  const auto upper = parse("truncate(normal(0, 1), 5, 6)");
  const auto log_inner = parse("truncate(lognormal(mu=0, sigma=1), 0.5, 3)");
  // The reference cdf is evaluated at the quantiles under test, so it cannot be a table: the
  // closed form in long double (erfc good to a few ulp, 1e-19 on x86-64 and at worst 1e-16
  // where long double is double) is far inside the 1e-14 and 1e-12 tolerances.
  const auto phi = [](long double t) { return std::erfc(-t / std::sqrt(2.0L)) / 2; };
  const long double p_lo = phi(-1), p_hi = phi(2);
  // Upper tail: 1 - Phi(x) = Phi(-x), so the truncated cdf is exact in the reference.
  const long double q_lo = phi(-5), q_hi = phi(-6);
  const long double l_lo = phi(std::log(0.5L)), l_hi = phi(std::log(3.0L));
  for (const double u : kLevels) {
    const double x = lower->quantile(u), y = upper->quantile(u), w = log_inner->quantile(u);
    EXPECT_NEAR(static_cast<double>((phi(x) - p_lo) / (p_hi - p_lo)), u, 1e-14);
    // sf(5) is 2.9e-7: without the sf branch 1 - cdf would lose 7 digits here.
    EXPECT_NEAR(static_cast<double>((q_lo - phi(-y)) / (q_lo - q_hi)), u, 1e-12);
    EXPECT_NEAR(
        static_cast<double>((phi(std::log(static_cast<long double>(w))) - l_lo) / (l_hi - l_lo)), u,
        1e-14);
  }
  const auto far = parse("truncate(normal(0, 1), 8, 9)");
  for (const auto& d : {lower, upper, log_inner, far}) {
    for (const double u : {1e-300, 1e-16, 0.5, 1 - 0x1p-53}) {
      EXPECT_GE(d->quantile(u), d->support_lower()) << d->describe() << " u = " << u;
      EXPECT_LE(d->quantile(u), d->support_upper()) << d->describe() << " u = " << u;
    }
  }
}

TEST(DistributionsTest, BlockQuantileEqualsScalarQuantileBitForBit) {
  std::mt19937_64 engine(20240611);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  Eigen::ArrayXd u(1003);
  for (Eigen::Index i = 0; i < u.size(); ++i) u[i] = uniform(engine);
  u.head(4) << 1e-300, 1e-17, 0.5, 1 - 0x1p-53;
  std::vector<std::string> specs = kSpecs;
  specs.insert(specs.end(), {"2.5", "pert(0, 0.2, 1, lambda=2)", "0.15 to 0.35"});
  for (const auto& spec : specs) {
    const auto d = parse(spec);
    Eigen::ArrayXd out(u.size() + 1);
    // A block starting one element in exercises unaligned heads as well as aligned ones.
    for (const Eigen::Index offset : {0, 1}) {
      const Eigen::Index n = u.size() - offset;
      d->quantile(u.segment(offset, n), out.segment(offset, n));
      int mismatches = 0;
      for (Eigen::Index i = offset; i < u.size(); ++i) {
        mismatches +=
            std::bit_cast<std::uint64_t>(out[i]) != std::bit_cast<std::uint64_t>(d->quantile(u[i]));
      }
      EXPECT_EQ(mismatches, 0) << spec << " offset " << offset;
    }
  }
}

TEST(DistributionsTest, FixedNumberIsADegenerateDistribution) {
  const auto d = parse("2.5");
  EXPECT_TRUE(d->is_fixed());
  EXPECT_EQ(d->quantile(0.01), 2.5);
  EXPECT_EQ(d->quantile(0.99), 2.5);
  EXPECT_EQ(d->cdf(2.4999), 0.0);
  EXPECT_EQ(d->cdf(2.5), 1.0);
  EXPECT_EQ(d->sf(2.5), 0.0);
  EXPECT_EQ(d->support_lower(), 2.5);
  EXPECT_EQ(d->support_upper(), 2.5);
  EXPECT_FALSE(parse("normal(0, 1)")->is_fixed());
}

TEST(DistributionsTest, SupportIsTheFamilysRange) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(parse("normal(0, 1)")->support_lower(), -kInf);
  EXPECT_EQ(parse("lognormal(mu=0, sigma=1)")->support_lower(), 0.0);
  EXPECT_EQ(parse("lognormal(mu=0, sigma=1)")->support_upper(), kInf);
  EXPECT_EQ(parse("pert(1, 3, 10)")->support_upper(), 10.0);
  EXPECT_EQ(parse("beta(2, 3)")->support_upper(), 1.0);
  EXPECT_EQ(parse("truncate(lognormal(mu=0, sigma=1), -5, 3)")->support_lower(), 0.0);
  EXPECT_EQ(parse("truncate(lognormal(mu=0, sigma=1), -5, 3)")->support_upper(), 3.0);
}

}  // namespace
}  // namespace costsweep::dist
