#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "core/distributions/distribution.hpp"

namespace costsweep::dist {
namespace {

// Asserts that parse(spec) throws SpecError whose message is the standard prefix followed by a
// reason containing `fragment`.
void expect_spec_error(const std::string& spec, const std::string& fragment) {
  const std::string prefix = "cannot parse distribution '" + spec + "': ";
  try {
    parse(spec);
    ADD_FAILURE() << "no SpecError for '" << spec << "'";
  } catch (const SpecError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind(prefix, 0), 0U) << message;
    EXPECT_NE(message.find(fragment, prefix.size()), std::string::npos)
        << "message: " << message << "\nexpected fragment: " << fragment;
  }
}

TEST(SpecParserTest, RejectsUnknownFamilyAndListsTheFamilies) {
  expect_spec_error("gamma(2, 3)",
                    "unknown family 'gamma'; expected a number, 'A to B' or one of uniform, "
                    "normal, lognormal, loguniform, triangular, pert, beta, truncate");
}

TEST(SpecParserTest, RejectsMissingClosingParenthesis) {
  expect_spec_error("normal(0, 1", "expected ',' or ')' after a parameter but the spec ends");
  expect_spec_error("uniform(0 1)", "expected ',' or ')' after a parameter at '1)'");
  expect_spec_error("normal", "expected '(' after 'normal' but the spec ends");
}

TEST(SpecParserTest, RejectsPercentilesOutOfOrderWithTheDocumentedMessage) {
  try {
    parse("lognormal(p10=0.4, p90=0.35)");
    FAIL() << "no SpecError";
  } catch (const SpecError& e) {
    EXPECT_STREQ(e.what(),
                 "cannot parse distribution 'lognormal(p10=0.4, p90=0.35)': p10 (0.4) must be "
                 "below p90 (0.35)");
  }
  expect_spec_error("lognormal(p90=0.35, p10=0.4)", "p10 (0.4) must be below p90 (0.35)");
  expect_spec_error("lognormal(p10=0.4, p90=0.4)", "p10 (0.4) must be below p90 (0.4)");
}

TEST(SpecParserTest, RejectsBadPercentileLevelsAndValues) {
  expect_spec_error("lognormal(p10=1, p10.0=2)", "p10 and p10.0 are the same percentile");
  expect_spec_error("lognormal(p0=1, p90=2)", "percentile 'p0' must have a level strictly");
  expect_spec_error("lognormal(p10=1, p100=2)", "percentile 'p100' must have a level strictly");
  expect_spec_error("lognormal(p5=-1, p95=2)", "p5 (-1) must be > 0");
  expect_spec_error("lognormal(p5=1, p95=2, p50=1.5)", "lognormal takes exactly one of");
}

TEST(SpecParserTest, RejectsNonPositiveSigma) {
  expect_spec_error("lognormal(median=1, sigma=-0.5)", "sigma (-0.5) must be > 0");
  expect_spec_error("lognormal(mu=1, sigma=0)", "sigma (0) must be > 0");
  expect_spec_error("lognormal(median=0, sigma=1)", "median (0) must be > 0");
}

TEST(SpecParserTest, RejectsNonPositiveSd) {
  expect_spec_error("normal(mean=1, sd=0)", "sd (0) must be > 0");
  expect_spec_error("normal(1, -2)", "sd (-2) must be > 0");
  expect_spec_error("lognormal(mean=1, sd=0)", "sd (0) must be > 0");
  expect_spec_error("lognormal(mean=-1, sd=1)", "mean (-1) must be > 0");
}

TEST(SpecParserTest, RejectsOutOfOrderBounds) {
  expect_spec_error("uniform(2, 1)", "uniform needs a < b, got a = 2, b = 1");
  expect_spec_error("uniform(1, 1)", "uniform needs a < b, got a = 1, b = 1");
  expect_spec_error("loguniform(0, 1)", "a (0) must be > 0");
  expect_spec_error("loguniform(3, 2)", "loguniform needs a < b");
  expect_spec_error("triangular(0, 2, 1)", "triangular needs lo <= mode <= hi and lo < hi");
  expect_spec_error("triangular(1, 1, 1)", "triangular needs lo <= mode <= hi and lo < hi");
  expect_spec_error("pert(0, -1, 1)", "pert needs lo <= mode <= hi and lo < hi");
  expect_spec_error("pert(0, 0.5, 1, lambda=0)", "lambda (0) must be > 0");
  expect_spec_error("beta(0, 1)", "a (0) must be > 0");
  expect_spec_error("beta(1, -1)", "b (-1) must be > 0");
}

TEST(SpecParserTest, RejectsUnknownParameterAndListsTheAcceptedOnes) {
  expect_spec_error("normal(mean=0, sigma=1)",
                    "unknown parameter 'sigma' for normal; accepted: mean, sd");
  expect_spec_error("lognormal(median=1, scale=2)",
                    "unknown parameter 'scale' for lognormal; accepted: median, sigma, mu, mean, "
                    "sd, pX (0 < X < 100)");
  expect_spec_error("uniform(0, 1, c=2)", "unknown parameter 'c' for uniform; accepted: a, b");
  expect_spec_error("normal(p10=0, p90=1)", "unknown parameter 'p10' for normal");
}

TEST(SpecParserTest, RejectsDuplicateParameter) {
  expect_spec_error("normal(mean=0, mean=1)", "parameter 'mean' given twice");
  expect_spec_error("uniform(0, a=1)", "parameter 'a' given twice");
  expect_spec_error("lognormal(mu=0, mu=1)", "parameter 'mu' given twice");
  expect_spec_error("lognormal(p10=1, p10=2)", "parameter 'p10' given twice");
}

TEST(SpecParserTest, RejectsMissingExtraAndMisplacedParameters) {
  expect_spec_error("uniform(0)", "missing parameter 'b'; expected uniform(a, b)");
  expect_spec_error("triangular()", "missing parameter 'lo'");
  expect_spec_error("uniform(0, 1, 2)", "too many parameters; expected uniform(a, b)");
  expect_spec_error("uniform(a=0, 1)", "positional parameter after a named one");
  expect_spec_error("lognormal(0, 1)", "lognormal takes named parameters only");
}

TEST(SpecParserTest, RejectsNonNumbers) {
  expect_spec_error("normal(mean=zero, sd=1)", "expected a number for 'mean' at 'zero, sd=1)'");
  expect_spec_error("uniform(0, )", "expected a number for a positional parameter at ')'");
  expect_spec_error("(1)", "expected a number or a family name at '(1)'");
}

TEST(SpecParserTest, RejectsNonFiniteNumbers) {
  expect_spec_error("normal(nan, 1)", "'nan' is not a finite number");
  expect_spec_error("uniform(0, inf)", "'inf' is not a finite number");
  expect_spec_error("uniform(-Infinity, 0)", "'-Infinity' is not a finite number");
  expect_spec_error("1e999", "1e999 is out of the range of a double");
}

TEST(SpecParserTest, RejectsParametersWhoseDerivedScaleOverflows) {
  expect_spec_error("uniform(-1e308, 1e308)", "the implied scale (inf) must be finite and > 0");
  expect_spec_error("lognormal(mean=1e-200, sd=1e200)", "the implied scale (inf) must be finite");
  expect_spec_error("-1e308 to 1e308", "the implied scale (inf) must be finite and > 0");
}

TEST(SpecParserTest, RejectsTrailingGarbage) {
  expect_spec_error("normal(0, 1) x", "unexpected 'x' after the distribution");
  expect_spec_error("3 4", "unexpected '4' after the distribution");
  expect_spec_error("uniform(0, 1))", "unexpected ')' after the distribution");
}

TEST(SpecParserTest, RejectsEmptySpec) {
  expect_spec_error("", "the spec is empty");
  expect_spec_error("   ", "the spec is empty");
}

TEST(SpecParserTest, RejectsMixedLognormalParameters) {
  expect_spec_error("lognormal(median=1, sd=2)",
                    "lognormal takes exactly one of (median=, sigma=), (mu=, sigma=), (mean=, "
                    "sd=) or two percentiles pX= with 0 < X < 100; got median, sd");
  expect_spec_error("lognormal(mu=0, sigma=1, median=2)", "got mu, sigma, median");
  expect_spec_error("lognormal(p5=1, sigma=1)", "got p5, sigma");
  expect_spec_error("lognormal()", "got no parameters");
}

TEST(SpecParserTest, RejectsTruncateWithNoMassOrNoDistribution) {
  expect_spec_error("truncate(uniform(0, 1), 2, 3)",
                    "uniform(0, 1) puts no probability mass in [2, 3]");
  expect_spec_error("truncate(normal(0, 1), 50, 60)", "puts no probability mass in [50, 60]");
  expect_spec_error("truncate(normal(0, 1), 1, -1)", "truncate needs lo < hi");
  expect_spec_error("truncate(3, 0, 1)", "truncate needs a distribution, not the fixed number 3");
  expect_spec_error("truncate(lo=0, hi=1)", "truncate needs a distribution as its first parameter");
}

TEST(SpecParserTest, RejectsAToBWithAAtLeastB) {
  expect_spec_error("5 to 1", "'A to B' needs A < B, got 5 to 1");
  expect_spec_error("2 to 2", "'A to B' needs A < B, got 2 to 2");
  expect_spec_error("1 to", "expected a number for B in 'A to B' but the spec ends");
}

TEST(SpecParserTest, IgnoresWhitespaceAndAcceptsEveryNumberForm) {
  EXPECT_EQ(parse("  normal ( mean = 1 , sd = 2 )  ")->describe(), "normal(mean=1, sd=2)");
  EXPECT_EQ(parse("normal(sd=2, mean=1)")->describe(), "normal(mean=1, sd=2)");
  EXPECT_EQ(parse("normal(1, sd=2)")->describe(), "normal(mean=1, sd=2)");
  EXPECT_EQ(parse("uniform(b=3.173e+24, a=1.513e15)")->describe(),
            "uniform(1513000000000000, 3.1730000000000002e+24)");
  EXPECT_EQ(parse("-2.5")->quantile(0.3), -2.5);
  EXPECT_EQ(parse("pi")->quantile(0.3), std::numbers::pi);
  EXPECT_EQ(parse("uniform(-pi, pi)")->support_lower(), -std::numbers::pi);
  EXPECT_EQ(parse("lognormal( p 2.5 = 1 , p97.5=4 )")->describe(),
            parse("lognormal(p97.5=4, p2.5=1)")->describe());
  EXPECT_EQ(parse("1to2")->describe(), parse("1 to 2")->describe());
}

TEST(SpecParserTest, DescribesCanonicallyWithSeventeenDigits) {
  EXPECT_EQ(parse("lognormal(median=2, sigma=0.5)")->describe(),
            "lognormal(mu=0.69314718055994529, sigma=0.5)");
  EXPECT_EQ(parse("pert(0, 1, 3)")->describe(), "pert(0, 1, 3, lambda=4)");
  EXPECT_EQ(parse("0.1")->describe(), "0.10000000000000001");
  EXPECT_EQ(parse("truncate(beta(a=2, b=5), lo=0.1, hi=0.9)")->describe(),
            "truncate(beta(2, 5), 0.10000000000000001, 0.90000000000000002)");
}

TEST(SpecParserTest, DescribeRoundTripsToAnIdenticalDistribution) {
  const std::vector<std::string> specs = {
      "3.25",
      "-pi",
      "uniform(0.1, 0.7)",
      "normal(mean=-3, sd=0.3)",
      "lognormal(mean=10, sd=4)",
      "lognormal(p5=0.2, p95=7)",
      "0.15 to 0.35",
      "-1 to 2",
      "loguniform(1e-3, 20)",
      "triangular(0.1, 0.2, 0.9)",
      "pert(1, 3, 10, lambda=2.5)",
      "beta(0.3, 7)",
      "truncate(truncate(lognormal(median=3, sigma=2), 1, 100), 2, 50)"};
  for (const auto& spec : specs) {
    const auto original = parse(spec);
    const auto copy = parse(original->describe());
    EXPECT_EQ(copy->describe(), original->describe()) << spec;
    for (const double u : {1e-9, 0.1, 0.5, 0.77, 1 - 1e-9}) {
      EXPECT_EQ(copy->quantile(u), original->quantile(u)) << spec << " u = " << u;
    }
    EXPECT_EQ(copy->cdf(original->quantile(0.3)), original->cdf(original->quantile(0.3))) << spec;
  }
}

TEST(SpecParserTest, AToBPicksLognormalOnlyForPositiveA) {
  EXPECT_EQ(parse("0.15 to 0.35")->describe().rfind("lognormal(", 0), 0U);
  EXPECT_EQ(parse("0 to 1")->describe().rfind("normal(", 0), 0U);
  EXPECT_EQ(parse("-3 to -1")->describe().rfind("normal(", 0), 0U);
}

}  // namespace
}  // namespace costsweep::dist
