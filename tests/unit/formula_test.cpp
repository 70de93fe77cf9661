#include "models/formula.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "core/errors/errors.hpp"
#include "models/ishigami.hpp"

// Expected values are worked out by hand beside each assertion or are exact values of the
// functions (sin(pi/2) = 1, log(1) = 0, ...); nothing is computed by the code under test.

namespace costsweep::models {
namespace {

using Draws = std::map<std::string, std::vector<double>>;

/// A job's [model] section, keys written on lines 10, 11, ... of job.ini in the order set.
struct Job {
  ModelConfig config;
  int next_line = 10;

  Job& set(const std::string& key, const std::string& value) {
    config.values[key] = value;
    config.origins[key] = "job.ini line " + std::to_string(next_line++);
    return *this;
  }
  ModelPtr model() const { return Formula::make(config); }
};

/// Evaluates model on draws given per input name; returns outputs in model order.
Block evaluate(const Model& model, const Draws& draws) {
  const auto n = static_cast<Eigen::Index>(draws.empty() ? 1 : draws.begin()->second.size());
  Block in(n, static_cast<Eigen::Index>(model.inputs().size()));
  for (std::size_t c = 0; c < model.inputs().size(); ++c) {
    const auto& values = draws.at(model.inputs()[c].name);
    in.col(static_cast<Eigen::Index>(c)) = Eigen::Map<const Eigen::ArrayXd>(values.data(), n);
  }
  Block out(n, static_cast<Eigen::Index>(model.outputs().size()));
  model.evaluate(in, out);
  return out;
}

/// The value of one formula at one point.
double value_of(const std::string& formula, const std::map<std::string, double>& point = {}) {
  Draws draws;
  for (const auto& [name, value] : point) draws[name] = {value};
  return evaluate(*Job().set("output.y", formula).model(), draws)(0, 0);
}

/// The problems make reports, or one line saying it did not throw.
std::vector<std::string> problems_of(const Job& job) {
  try {
    job.model();
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {"(no error)"};
}

std::vector<std::string> input_names(const Model& model) {
  std::vector<std::string> names;
  for (const auto& input : model.inputs()) names.push_back(input.name);
  return names;
}

std::vector<std::string> output_names(const Model& model) {
  std::vector<std::string> names;
  for (const auto& output : model.outputs()) names.push_back(output.name);
  return names;
}

TEST(FormulaTest, ConstantExpressionsFollowPrecedenceAndAssociativity) {
  EXPECT_EQ(value_of("2^3^2"), 512.0);  // 2^(3^2) = 2^9
  EXPECT_EQ(value_of("(2^3)^2"), 64.0);
  EXPECT_EQ(value_of("-2^2"), -4.0);  // -(2^2)
  EXPECT_EQ(value_of("(-2)^2"), 4.0);
  EXPECT_EQ(value_of("1-2-3"), -4.0);  // (1-2)-3
  EXPECT_EQ(value_of("8/4/2"), 1.0);   // (8/4)/2
  EXPECT_EQ(value_of("2+3*4"), 14.0);
  EXPECT_EQ(value_of("(2+3)*4"), 20.0);
  EXPECT_EQ(value_of("2*3^2"), 18.0);
  EXPECT_EQ(value_of("2^-1"), 0.5);
  EXPECT_EQ(value_of("+3 - -2"), 5.0);
  EXPECT_EQ(value_of("-3*-2"), 6.0);
  EXPECT_EQ(value_of("  7  "), 7.0);
}

TEST(FormulaTest, VariablesFollowTheSamePrecedenceAndAssociativity) {
  const std::map<std::string, double> p = {{"a", 2}, {"b", 3}, {"c", 2}, {"p", 8}, {"q", 4}};
  EXPECT_EQ(value_of("a^b^c", p), 512.0);
  EXPECT_EQ(value_of("-a^c", p), -4.0);
  EXPECT_EQ(value_of("1 - a - b", p), -4.0);
  EXPECT_EQ(value_of("p / q / a", p), 1.0);
  EXPECT_EQ(value_of("a + b * q", p), 14.0);
  EXPECT_EQ(value_of("(a + b) * q", p), 20.0);
  EXPECT_EQ(value_of("a * b^c", p), 18.0);
  EXPECT_EQ(value_of("c^-a", p), 0.25);
  EXPECT_EQ(value_of("-a - -b", p), 1.0);
  EXPECT_EQ(value_of("a^b - 1", p), 7.0);
}

TEST(FormulaTest, NumbersAreCLiterals) {
  EXPECT_EQ(value_of("1e9"), 1e9);
  EXPECT_EQ(value_of("2.5E-3"), 0.0025);
  EXPECT_EQ(value_of(".5"), 0.5);
  EXPECT_EQ(value_of("5."), 5.0);
  EXPECT_EQ(value_of("pi"), std::numbers::pi);
  EXPECT_EQ(value_of("e"), std::numbers::e);
}

TEST(FormulaTest, EveryFunctionGivesItsKnownValues) {
  const double pi = std::numbers::pi;
  struct Case {
    std::string formula;
    double x, expected;
  };
  // Exact values, or within an ulp or two where pi or e is rounded first.
  for (const auto& c : std::vector<Case>{{"exp(v)", 0.0, 1.0},
                                         {"exp(v)", 1.0, std::numbers::e},
                                         {"log(v)", 1.0, 0.0},
                                         {"log(v)", 8.0, 3.0 * std::numbers::ln2},
                                         {"sqrt(v)", 16.0, 4.0},
                                         {"sqrt(v)", 2.0, std::numbers::sqrt2},
                                         {"sin(v)", pi / 2, 1.0},
                                         {"sin(v)", pi / 6, 0.5},
                                         {"cos(v)", 0.0, 1.0},
                                         {"cos(v)", pi, -1.0},
                                         {"tan(v)", pi / 4, 1.0},
                                         {"abs(v)", -3.5, 3.5},
                                         {"abs(v)", 2.0, 2.0},
                                         {"min(v, 1)", -1.0, -1.0},
                                         {"min(1, v)", 3.0, 1.0},
                                         {"max(v, 1)", -1.0, 1.0},
                                         {"max(1, v)", 3.0, 3.0},
                                         {"pow(v, 10)", 2.0, 1024.0},
                                         {"pow(2, v)", -2.0, 0.25},
                                         {"pow(v, 0.5)", 9.0, 3.0},
                                         {"v^4", -3.0, 81.0},
                                         {"v * pi", 2.0, 2.0 * pi},
                                         {"v * e", 1.0, std::numbers::e}}) {
    const double tolerance = 4e-16 * std::abs(c.expected);
    EXPECT_NEAR(value_of(c.formula, {{"v", c.x}}), c.expected, tolerance) << c.formula;
    // The same with a constant argument, folded once when the model is built.
    const std::string folded = "(" + std::to_string(c.x) + ")";
    if (std::stod(folded.substr(1)) == c.x) {
      std::string text = c.formula;
      text.replace(text.find('v'), 1, folded);
      EXPECT_NEAR(value_of(text), c.expected, tolerance) << text;
    }
  }
}

TEST(FormulaTest, MinAndMaxPropagateNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(std::isnan(value_of("min(x, 1)", {{"x", nan}})));
  EXPECT_TRUE(std::isnan(value_of("min(1, x)", {{"x", nan}})));
  EXPECT_TRUE(std::isnan(value_of("max(x, 1)", {{"x", nan}})));
  EXPECT_TRUE(std::isnan(value_of("max(1, x)", {{"x", nan}})));
}

TEST(FormulaTest, BlockEvaluationEqualsScalarEvaluationDrawByDraw) {
  const auto model =
      Job()
          .set("output.f",
               "exp(x) * sin(y) - max(x, y)^2 / (1 + abs(y)) + log(2 + cos(x)) * sqrt(abs(x - y))")
          .set("output.g", "min(x, 0.5)^3 - tan(y / 4) + pow(1.5, x) + x^y^0 - y")
          .model();
  std::mt19937_64 engine(20260322);
  std::uniform_real_distribution<double> uniform(-2.0, 2.0);
  const int n = 1000;  // 15 whole chunks of 64 and 40 rows more
  Draws draws{{"x", {}}, {"y", {}}};
  for (int i = 0; i < n; ++i) {
    draws["x"].push_back(uniform(engine));
    draws["y"].push_back(uniform(engine));
  }
  const Block block = evaluate(*model, draws);
  // A block starting elsewhere: every draw sits at another place in its chunk.
  Draws shifted = draws;
  for (auto& [name, values] : shifted) values.erase(values.begin(), values.begin() + 7);
  const Block later = evaluate(*model, shifted);
  for (int i = 0; i < n; ++i) {
    const double x = draws["x"][static_cast<std::size_t>(i)];
    const double y = draws["y"][static_cast<std::size_t>(i)];
    const Block one = evaluate(*model, {{"x", {x}}, {"y", {y}}});
    EXPECT_EQ(block(i, 0), one(0, 0)) << "draw " << i;
    EXPECT_EQ(block(i, 1), one(0, 1)) << "draw " << i;
    if (i >= 7) {
      EXPECT_EQ(later(i - 7, 0), block(i, 0)) << "draw " << i;
      EXPECT_EQ(later(i - 7, 1), block(i, 1)) << "draw " << i;
    }
    // The same formulas with the standard library, draw by draw. Eigen's exp and log may
    // differ from std's in the last bit; the chain of operations keeps that within 1e-13.
    const double f_ref = std::exp(x) * std::sin(y) -
                         std::pow(std::max(x, y), 2) / (1 + std::abs(y)) +
                         std::log(2 + std::cos(x)) * std::sqrt(std::abs(x - y));
    const double g_ref = std::pow(std::min(x, 0.5), 3) - std::tan(y / 4) + std::pow(1.5, x) + x - y;
    EXPECT_NEAR(block(i, 0), f_ref, 1e-13 * std::max(1.0, std::abs(f_ref))) << "draw " << i;
    EXPECT_NEAR(block(i, 1), g_ref, 1e-13 * std::max(1.0, std::abs(g_ref))) << "draw " << i;
  }
}

TEST(FormulaTest, IshigamiAsAFormulaEqualsTheIshigamiModel) {
  const auto formula = Job()
                           .set("output.y", "sin(x1) + a * sin(x2)^2 + b * x3^4 * sin(x1)")
                           .set("const.a", "7")
                           .set("const.b", "0.1")
                           .model();
  ASSERT_EQ(input_names(*formula), (std::vector<std::string>{"x1", "x2", "x3"}));
  std::mt19937_64 engine(7);
  std::uniform_real_distribution<double> uniform(-std::numbers::pi, std::numbers::pi);
  Block in(10000, 3);
  for (Eigen::Index i = 0; i < in.size(); ++i) in.data()[i] = uniform(engine);
  Block expected(in.rows(), 1), got(in.rows(), 1);
  Ishigami(7.0, 0.1).evaluate(in, expected);
  formula->evaluate(in, got);
  // Ishigami computes x3^4 as (x3^2)^2 and the formula as pow(x3, 4): the last bits may differ,
  // so the bound is 1e-12 relative to max(|y|, 1) (|y| <= 1 + 7 + 0.1 pi^4 < 18).
  for (Eigen::Index i = 0; i < in.rows(); ++i) {
    EXPECT_NEAR(got(i, 0), expected(i, 0), 1e-12 * std::max(1.0, std::abs(expected(i, 0))))
        << "draw " << i;
  }
}

TEST(FormulaTest, DeclaresSortedInputsThatTheJobMustDrawAndOutputsInLineOrder) {
  const auto model = Job()
                         .set("output.zeta", "b * 2 + k")
                         .set("output.alpha", "a + zeta")
                         .set("unit.alpha", "USD")
                         .set("const.k", "3")
                         .model();
  ASSERT_EQ(input_names(*model), (std::vector<std::string>{"a", "b"}));
  const auto& a = model->inputs()[0];
  EXPECT_EQ(a.group, "a");
  EXPECT_EQ(a.default_spec, "");  // the study then asks for inputs.a
  EXPECT_EQ(a.description, "variable of the formula of alpha");
  EXPECT_EQ(model->inputs()[1].description, "variable of the formula of zeta");
  ASSERT_EQ(output_names(*model), (std::vector<std::string>{"zeta", "alpha"}));
  EXPECT_EQ(model->outputs()[0].unit, "");
  EXPECT_EQ(model->outputs()[0].description, "b * 2 + k");
  EXPECT_EQ(model->outputs()[1].unit, "USD");
  const Block out = evaluate(*model, {{"a", {1.0, -1.0}}, {"b", {10.0, 0.5}}});
  EXPECT_EQ(out(0, 0), 23.0);  // 10*2 + 3
  EXPECT_EQ(out(0, 1), 24.0);  // 1 + 23
  EXPECT_EQ(out(1, 0), 4.0);   // 0.5*2 + 3
  EXPECT_EQ(out(1, 1), 3.0);   // -1 + 4
}

TEST(FormulaTest, OutputsSetOutsideTheFileFollowThoseOfTheFileByName) {
  Job job;
  job.set("output.m", "x").set("output.a", "2 * x");
  job.config.values["output.c"] = "3 * x";
  job.config.origins["output.c"] = "--set model.output.c=3 * x";
  job.config.values["output.b"] = "4 * x";  // no origin at all
  const auto model = job.model();
  EXPECT_EQ(output_names(*model), (std::vector<std::string>{"m", "a", "b", "c"}));
  const Block out = evaluate(*model, {{"x", {1.5}}});
  EXPECT_EQ(out(0, 0), 1.5);
  EXPECT_EQ(out(0, 1), 3.0);
  EXPECT_EQ(out(0, 2), 6.0);
  EXPECT_EQ(out(0, 3), 4.5);
}

TEST(FormulaTest, ConstantOutputFillsEveryDraw) {
  const auto model = Job().set("output.c", "2 * pi").model();
  EXPECT_TRUE(model->inputs().empty());
  Block in(100, 0), out(100, 1);
  model->evaluate(in, out);
  EXPECT_TRUE((out == 2 * std::numbers::pi).all());
}

TEST(FormulaTest, ConstantRejectedByTheStudyIsNeitherAnInputNorReportedAgain) {
  Job job;
  job.set("output.y", "a * x");
  job.config.unusable.insert("const.a");
  EXPECT_EQ(input_names(*job.model()), (std::vector<std::string>{"x"}));
}

TEST(FormulaTest, RegistryListsItWithItsPrefixSettings) {
  const ModelInfo* info = find_model("formula");
  ASSERT_NE(info, nullptr);
  ASSERT_EQ(info->parameters.size(), 3u);
  for (const auto& p : info->parameters) EXPECT_TRUE(p.is_prefix) << p.name;
  EXPECT_EQ(info->parameters[0].name, "output.");
  EXPECT_EQ(info->parameters[2].kind, ParameterKind::kNumber);
  EXPECT_EQ(info->make(Job().set("output.y", "x").config)->name(), "formula");
}

// Errors: each names its key and the line it was written on.

TEST(FormulaTest, MalformedFormulasSayWhatAndWhere) {
  const std::map<std::string, std::string> cases = {
      {"sin(x1", "expected ')' at position 7"},
      {"2 +", "expected a number, a name or '(' at position 4"},
      {"2 3", "unexpected '3' at position 3"},
      {"x $ y", "unexpected '$' at position 3"},
      {"()", "expected a number, a name or '(' at position 2"},
      {"(x))", "unexpected ')' at position 4"},
      {"max(1, 2", "expected ')' at position 9"},
      {"max(1 2)", "expected ',' or ')' at position 7"},
      {"x^", "expected a number, a name or '(' at position 3"},
      {"1e999", "number '1e999' is out of range at position 1"},
      {"", "expected a number, a name or '(' at position 1"},
      {"sinh(x)",
       "unknown function 'sinh' (functions: abs, cos, exp, log, max, min, pow, sin, sqrt, tan) at "
       "position 1"},
      {"2 * max(x)", "max takes 2 arguments, not 1 at position 5"},
      {"sin(x, y)", "sin takes 1 argument, not 2 at position 1"},
      {"exp()", "exp takes 1 argument, not 0 at position 1"},
      {"sin + 1", "expected '(' after function sin at position 4"},
      {std::string(600, '(') + "x" + std::string(600, ')'), "nested too deeply at position 501"},
  };
  for (const auto& [text, reason] : cases) {
    EXPECT_EQ(problems_of(Job().set("output.y", text)),
              (std::vector<std::string>{"cannot parse formula '" + text + "' for model.output.y: " +
                                        reason + " [job.ini line 10, key model.output.y]"}));
  }
}

TEST(FormulaTest, NoOutputsIsAnError) {
  EXPECT_EQ(problems_of(Job().set("const.a", "1")),
            (std::vector<std::string>{"cannot build model 'formula': no outputs; set "
                                      "model.output.<name> = <expression> (e.g. output.y = x1 + "
                                      "2 * x2)"}));
}

TEST(FormulaTest, ConstantThatIsNotANumberIsAnError) {
  EXPECT_EQ(problems_of(Job().set("output.y", "a * x").set("const.a", "seven")),
            (std::vector<std::string>{"cannot use model.const.a 'seven': expected a finite number "
                                      "[job.ini line 11, key model.const.a]"}));
  EXPECT_EQ(problems_of(Job().set("output.y", "a * x").set("const.a", "1e999")),
            (std::vector<std::string>{"cannot use model.const.a '1e999': expected a finite number "
                                      "[job.ini line 11, key model.const.a]"}));
}

TEST(FormulaTest, DivisionByAConstantZeroIsAnErrorBeforeAnyDraw) {
  EXPECT_EQ(problems_of(Job().set("output.y", "x / z").set("const.z", "0")),
            (std::vector<std::string>{"cannot use formula 'x / z' for model.output.y: divides by "
                                      "zero: 'z' is 0, so every draw would be infinite or NaN "
                                      "[job.ini line 10, key model.output.y]"}));
  // A divisor that only folds to zero, and one written as the number 0 (-0 too).
  EXPECT_EQ(problems_of(Job().set("output.y", "x / (2 * (a - 1))").set("const.a", "1")),
            (std::vector<std::string>{"cannot use formula 'x / (2 * (a - 1))' for "
                                      "model.output.y: divides by zero: '2 * (a - 1)' is 0, so "
                                      "every draw would be infinite or NaN [job.ini line 10, key "
                                      "model.output.y]"}));
  EXPECT_EQ(problems_of(Job().set("output.y", "x / -0")).size(), 1u);
  EXPECT_NE(problems_of(Job().set("output.y", "x / -0")).front().find("divides by zero: '-0'"),
            std::string::npos);
}

TEST(FormulaTest, ConstantPartsThatAreInfiniteOrNaNAreErrors) {
  // log(0) = -inf, sqrt(-1) is NaN, 10^400 overflows: all of finite constants.
  for (const auto& [formula, part] :
       std::vector<std::pair<std::string, std::string>>{{"x + log(z)", "'log(z)' is -inf"},
                                                        {"x * sqrt(z - 1)", "'sqrt(z - 1)' is "},
                                                        {"x * 10^400", "'10^400' is inf"}}) {
    const auto problems = problems_of(Job().set("output.y", formula).set("const.z", "0"));
    ASSERT_EQ(problems.size(), 1u) << formula;
    EXPECT_NE(problems.front().find(part), std::string::npos) << problems.front();
  }
}

TEST(FormulaTest, DivisionByAnInputOrANonZeroConstantIsAccepted) {
  EXPECT_DOUBLE_EQ(value_of("x / w", {{"x", 3}, {"w", 4}}), 0.75);
  EXPECT_EQ(problems_of(Job().set("output.y", "x / z").set("const.z", "4")),
            (std::vector<std::string>{"(no error)"}));
  // 1/x at x = 0 is a draw's own infinity: reported at run time, with the draws it affects.
  EXPECT_TRUE(std::isinf(value_of("1 / x", {{"x", 0}})));
}

TEST(FormulaTest, NamesThatCannotBeVariablesAreErrors) {
  EXPECT_EQ(problems_of(Job().set("output.a.b", "1").set("output.2x", "1")),
            (std::vector<std::string>{
                "cannot use output name '2x': a name is a letter or '_' followed by letters, "
                "digits or '_' [job.ini line 11, key model.output.2x]",
                "cannot use output name 'a.b': a name is a letter or '_' followed by letters, "
                "digits or '_' [job.ini line 10, key model.output.a.b]"}));
  EXPECT_EQ(problems_of(Job().set("output.y", "1").set("const.pi", "3").set("const.sin", "1")),
            (std::vector<std::string>{
                "cannot use constant name 'pi': pi is a built-in constant [job.ini line 11, key "
                "model.const.pi]",
                "cannot use constant name 'sin': sin is a function [job.ini line 12, key "
                "model.const.sin]"}));
  EXPECT_EQ(problems_of(Job().set("output.e", "1")),
            (std::vector<std::string>{"cannot use output name 'e': e is a built-in constant "
                                      "[job.ini line 10, key model.output.e]"}));
}

TEST(FormulaTest, ConstantNamedLikeAnOutputIsAnError) {
  EXPECT_EQ(problems_of(Job().set("output.y", "x").set("const.y", "2")),
            (std::vector<std::string>{"cannot use constant 'y': output.y has that name too "
                                      "[job.ini line 11, key model.const.y]"}));
}

TEST(FormulaTest, UnitOfAnUnknownOutputIsAnError) {
  EXPECT_EQ(problems_of(Job().set("output.y", "x").set("output.z", "2").set("unit.q", "USD")),
            (std::vector<std::string>{"cannot use model.unit.q: there is no output 'q' (outputs: "
                                      "y, z) [job.ini line 12, key model.unit.q]"}));
}

TEST(FormulaTest, OutputsThatDependOnThemselvesAreErrors) {
  EXPECT_EQ(
      problems_of(Job().set("output.y", "z + 1").set("output.z", "2 * y").set("output.w", "w + x")),
      (std::vector<std::string>{"cannot order output 'y': its formula depends on itself "
                                "(y -> z -> y) [job.ini line 10, key model.output.y]",
                                "cannot order output 'w': its formula depends on itself "
                                "(w -> w) [job.ini line 12, key model.output.w]"}));
}

TEST(FormulaTest, EveryProblemIsReportedAtOnce) {
  const auto problems = problems_of(Job()
                                        .set("output.y", "sin(x")
                                        .set("output.z", "cosh(x)")
                                        .set("const.k", "nine")
                                        .set("unit.q", "USD"));
  ASSERT_EQ(problems.size(), 4u);
  EXPECT_NE(problems[0].find("cannot use model.const.k 'nine'"), std::string::npos);
  EXPECT_NE(problems[1].find("cannot parse formula 'sin(x'"), std::string::npos);
  EXPECT_NE(problems[2].find("unknown function 'cosh'"), std::string::npos);
  EXPECT_NE(problems[3].find("cannot use model.unit.q"), std::string::npos);
}

}  // namespace
}  // namespace costsweep::models
