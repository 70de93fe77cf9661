#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/distributions/detail/families.hpp"
#include "core/distributions/distribution.hpp"

namespace costsweep::dist {
namespace {

constexpr std::string_view kFamilies =
    "uniform, normal, lognormal, loguniform, triangular, pert, beta, truncate";
const std::string kLognormalForms =
    "(median=, sigma=), (mu=, sigma=), (mean=, sd=) or two percentiles pX= with 0 < X < 100";

// Shortest text that reads back as the same double, for messages.
std::string show(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

std::string join(const std::vector<std::string_view>& names) {
  std::string text;
  for (const auto name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

struct Arg {
  std::string name;  // empty when positional
  double value = 0.0;
  std::optional<double> level;  // percent, for a percentile name pX
  DistributionPtr dist;         // truncate's first parameter
};

struct Signature {
  std::string_view family;
  std::vector<std::string_view> names;  // positional order
  std::size_t n_required;
  std::string_view usage;
  bool takes_percentiles = false;  // lognormal's pX=, bound separately
};

class Parser {
 public:
  explicit Parser(std::string_view spec) : spec_(spec) {}

  DistributionPtr parse_spec() {
    skip_space();
    if (at_end())
      fail("the spec is empty; expected a number, 'A to B' or one of " + std::string(kFamilies));
    DistributionPtr dist = distribution();
    skip_space();
    if (!at_end()) fail("unexpected '" + rest() + "' after the distribution");
    return dist;
  }

 private:
  [[noreturn]] void fail(const std::string& reason) const {
    throw SpecError("cannot parse distribution '" + std::string(spec_) + "': " + reason);
  }
  std::string rest() const { return std::string(spec_.substr(pos_)); }
  std::string where() const { return at_end() ? "but the spec ends" : "at '" + rest() + "'"; }
  bool at_end() const { return pos_ >= spec_.size(); }
  char peek() const { return at_end() ? '\0' : spec_[pos_]; }
  void skip_space() {
    while (!at_end() && std::isspace(static_cast<unsigned char>(spec_[pos_]))) ++pos_;
  }
  bool consume(char c) {
    skip_space();
    if (peek() != c) return false;
    ++pos_;
    return true;
  }

  std::string_view identifier() {
    skip_space();
    const std::size_t start = pos_;
    while (!at_end() && (std::isalpha(static_cast<unsigned char>(peek())) || peek() == '_')) ++pos_;
    return spec_.substr(start, pos_ - start);
  }

  // A signed C-style literal or pi; leaves the position unchanged when there is no number here.
  std::optional<double> try_number() {
    skip_space();
    const std::size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative || peek() == '+') ++pos_;
    skip_space();
    if (peek() != '-' && peek() != '+') {
      double value = 0.0;
      const auto [end, ec] =
          std::from_chars(spec_.data() + pos_, spec_.data() + spec_.size(), value);
      const std::string text(spec_.data() + start, end);
      if (ec == std::errc::result_out_of_range) fail(text + " is out of the range of a double");
      if (ec == std::errc{} && !std::isfinite(value)) fail("'" + text + "' is not a finite number");
      pos_ = static_cast<std::size_t>(end - spec_.data());
      if (ec == std::errc{}) return negative ? -value : value;
    }
    if (identifier() == "pi") return negative ? -std::numbers::pi : std::numbers::pi;
    pos_ = start;
    return std::nullopt;
  }

  double number(std::string_view what) {
    if (const auto value = try_number()) return *value;
    fail("expected a number for " + std::string(what) + " " + where());
  }

  DistributionPtr distribution() {
    if (const auto a = try_number()) {
      const std::size_t before = pos_;
      if (identifier() != "to") {
        pos_ = before;
        return detail::make_fixed(*a);
      }
      return a_to_b(*a, number("B in 'A to B'"));
    }
    const std::string_view name = identifier();
    if (name.empty()) fail("expected a number or a family name " + where());
    const auto signature = find_signature(name);
    if (!signature) {
      fail("unknown family '" + std::string(name) + "'; expected a number, 'A to B' or one of " +
           std::string(kFamilies));
    }
    if (!consume('(')) fail("expected '(' after '" + std::string(name) + "' " + where());
    const std::vector<Arg> args = arguments(name == "truncate");
    return build(*signature, args);
  }

  std::vector<Arg> arguments(bool first_is_distribution) {
    std::vector<Arg> args;
    if (consume(')')) return args;
    do {
      args.push_back(argument(first_is_distribution && args.empty()));
      if (args.back().name.empty() && args.size() > 1 && !args[args.size() - 2].name.empty()) {
        fail("positional parameter after a named one; give positional parameters first");
      }
    } while (consume(','));
    if (!consume(')')) fail("expected ',' or ')' after a parameter " + where());
    return args;
  }

  Arg argument(bool is_distribution) {
    Arg arg;
    const std::size_t start = pos_;
    const std::string_view word = identifier();
    if (!word.empty()) {
      arg.name = std::string(word);
      if (word == "p") percentile_level(arg);
      if (consume('=')) {
        arg.value = number("'" + arg.name + "'");
        return arg;
      }
      arg = Arg{};
      pos_ = start;
    }
    if (is_distribution) {
      arg.dist = distribution();
    } else {
      arg.value = number("a positional parameter");
    }
    return arg;
  }

  // Reads the X of a name pX, as written, into the argument's name and level.
  void percentile_level(Arg& arg) {
    skip_space();
    const std::size_t start = pos_;
    const auto level = try_number();
    if (!level) return;
    arg.name += std::string(spec_.substr(start, pos_ - start));
    arg.level = *level;
  }

  static std::optional<Signature> find_signature(std::string_view name) {
    static const std::vector<Signature> kSignatures = {
        {"uniform", {"a", "b"}, 2, "uniform(a, b)"},
        {"normal", {"mean", "sd"}, 2, "normal(mean=M, sd=S)"},
        {"loguniform", {"a", "b"}, 2, "loguniform(a, b)"},
        {"triangular", {"lo", "mode", "hi"}, 3, "triangular(lo, mode, hi)"},
        {"pert", {"lo", "mode", "hi", "lambda"}, 3, "pert(lo, mode, hi, lambda=4)"},
        {"beta", {"a", "b"}, 2, "beta(a, b)"},
        {"truncate", {"lo", "hi"}, 2, "truncate(<distribution>, lo, hi)"},
        {"lognormal", {"median", "sigma", "mu", "mean", "sd"}, 0, "", true},
    };
    const auto it = std::find_if(kSignatures.begin(), kSignatures.end(),
                                 [&](const Signature& s) { return s.family == name; });
    if (it == kSignatures.end()) return std::nullopt;
    return *it;
  }

  // Values in the signature's order, from positional then named arguments.
  std::vector<std::optional<double>> bind(const Signature& sig, const std::vector<Arg>& args,
                                          std::size_t first) const {
    std::vector<std::optional<double>> values(sig.names.size());
    std::size_t next = 0;
    for (std::size_t i = first; i < args.size(); ++i) {
      const Arg& arg = args[i];
      if (arg.level && sig.takes_percentiles) continue;
      std::size_t slot = next;
      if (arg.name.empty()) {
        if (next++ >= sig.names.size())
          fail("too many parameters; expected " + std::string(sig.usage));
      } else {
        const auto it = std::find(sig.names.begin(), sig.names.end(), arg.name);
        if (it == sig.names.end()) {
          fail("unknown parameter '" + arg.name + "' for " + std::string(sig.family) +
               "; accepted: " + join(sig.names) +
               (sig.takes_percentiles ? ", pX (0 < X < 100)" : ""));
        }
        slot = static_cast<std::size_t>(it - sig.names.begin());
      }
      if (values[slot]) fail("parameter '" + std::string(sig.names[slot]) + "' given twice");
      values[slot] = arg.value;
    }
    for (std::size_t i = 0; i < sig.n_required; ++i) {
      if (!values[i]) {
        fail("missing parameter '" + std::string(sig.names[i]) + "'; expected " +
             std::string(sig.usage));
      }
    }
    return values;
  }

  void require_positive(std::string_view name, double value) const {
    if (!(value > 0.0)) fail(std::string(name) + " (" + show(value) + ") must be > 0");
  }

  void require_ordered(const Signature& sig, double lo, double mode, double hi) const {
    if (!(lo <= mode && mode <= hi && lo < hi)) {
      fail(std::string(sig.family) + " needs lo <= mode <= hi and lo < hi, got lo = " + show(lo) +
           ", mode = " + show(mode) + ", hi = " + show(hi));
    }
    require_scale(hi - lo);
  }

  DistributionPtr build(const Signature& sig, const std::vector<Arg>& args) const {
    if (sig.family == "truncate") return truncate(sig, args);
    if (sig.family == "lognormal") return lognormal(sig, args);
    const auto v = bind(sig, args, 0);
    const std::string_view family = sig.family;
    if (family == "uniform" || family == "loguniform") {
      if (family == "loguniform") require_positive("a", *v[0]);
      if (!(*v[0] < *v[1])) {
        fail(std::string(family) + " needs a < b, got a = " + show(*v[0]) + ", b = " + show(*v[1]));
      }
      require_scale(*v[1] - *v[0]);
      return family == "uniform" ? detail::make_uniform(*v[0], *v[1])
                                 : detail::make_loguniform(*v[0], *v[1]);
    }
    if (family == "normal") {
      require_positive("sd", *v[1]);
      return detail::make_normal(*v[0], *v[1]);
    }
    if (family == "beta") {
      require_positive("a", *v[0]);
      require_positive("b", *v[1]);
      return detail::make_beta(*v[0], *v[1]);
    }
    require_ordered(sig, *v[0], *v[1], *v[2]);
    if (family == "triangular") return detail::make_triangular(*v[0], *v[1], *v[2]);
    const double lambda = v[3].value_or(4.0);
    require_positive("lambda", lambda);
    return detail::make_pert(*v[0], *v[1], *v[2], lambda);
  }

  DistributionPtr truncate(const Signature& sig, const std::vector<Arg>& args) const {
    if (args.empty() || !args[0].dist) {
      fail("truncate needs a distribution as its first parameter; expected " +
           std::string(sig.usage));
    }
    const DistributionPtr& inner = args[0].dist;
    if (inner->is_fixed()) {
      fail("truncate needs a distribution, not the fixed number " + inner->describe());
    }
    const auto v = bind(sig, args, 1);
    const double lo = *v[0];
    const double hi = *v[1];
    if (!(lo < hi)) fail("truncate needs lo < hi, got lo = " + show(lo) + ", hi = " + show(hi));
    if (!(detail::mass_between(*inner, lo, hi) > 0.0)) {
      fail(inner->describe() + " puts no probability mass in [" + show(lo) + ", " + show(hi) +
           "]; choose lo and hi inside its support");
    }
    return detail::make_truncated(inner, lo, hi);
  }

  // Location and scale of a normal with the given values at two quantile levels (z scores).
  std::pair<double, double> fit(double z_lo, double x_lo, double z_hi, double x_hi) const {
    const double scale = (x_hi - x_lo) / (z_hi - z_lo);
    return {x_lo - scale * z_lo, require_scale(scale)};
  }

  // Parameters derived from valid input can still overflow, e.g. the width of uniform(-1e308,
  // 1e308) or the sigma of lognormal(mean=1e-200, sd=1e200).
  double require_scale(double scale) const {
    if (!(scale > 0.0 && std::isfinite(scale))) {
      fail("the implied scale (" + show(scale) + ") must be finite and > 0");
    }
    return scale;
  }

  // Squiggle's 'A to B': the 90% interval of a lognormal when A > 0, else of a normal.
  DistributionPtr a_to_b(double a, double b) const {
    if (!(a < b)) fail("'A to B' needs A < B, got " + show(a) + " to " + show(b));
    const double z_lo = inverse_normal_cdf(0.05);
    const double z_hi = inverse_normal_cdf(0.95);
    if (a > 0.0) {
      const auto [mu, sigma] = fit(z_lo, std::log(a), z_hi, std::log(b));
      return detail::make_lognormal(mu, sigma);
    }
    const auto [mean, sd] = fit(z_lo, a, z_hi, b);
    return detail::make_normal(mean, sd);
  }

  DistributionPtr lognormal(const Signature& sig, const std::vector<Arg>& args) const;
  DistributionPtr lognormal_from_percentiles(const Arg& first, const Arg& second) const;

  std::string_view spec_;
  std::size_t pos_ = 0;
};

DistributionPtr Parser::lognormal(const Signature& sig, const std::vector<Arg>& args) const {
  std::vector<const Arg*> percentiles;
  std::string given;
  for (const Arg& arg : args) {
    if (arg.name.empty()) fail("lognormal takes named parameters only: " + kLognormalForms);
    if (arg.level) percentiles.push_back(&arg);
    given += (given.empty() ? "" : ", ") + arg.name;
  }
  // Slots: median, sigma, mu, mean, sd.
  const auto v = bind(sig, args, 0);
  const auto count = std::count_if(v.begin(), v.end(), [](const auto& x) { return x.has_value(); });
  if (percentiles.size() == 2 && count == 0) {
    return lognormal_from_percentiles(*percentiles[0], *percentiles[1]);
  }
  if (percentiles.empty() && count == 2 && v[1] && (v[0] || v[2])) {
    require_positive("sigma", *v[1]);
    if (v[2]) return detail::make_lognormal(*v[2], *v[1]);
    require_positive("median", *v[0]);
    return detail::make_lognormal(std::log(*v[0]), *v[1]);
  }
  if (percentiles.empty() && count == 2 && v[3] && v[4]) {
    require_positive("mean", *v[3]);
    require_positive("sd", *v[4]);
    // Moments of the lognormal: mean = exp(mu + sigma^2 / 2), sd^2 = mean^2 (exp(sigma^2) - 1).
    const double variance = std::log1p((*v[4] / *v[3]) * (*v[4] / *v[3]));
    return detail::make_lognormal(std::log(*v[3]) - variance / 2.0,
                                  require_scale(std::sqrt(variance)));
  }
  fail("lognormal takes exactly one of " + kLognormalForms + "; got " +
       (given.empty() ? std::string("no parameters") : given));
}

DistributionPtr Parser::lognormal_from_percentiles(const Arg& first, const Arg& second) const {
  for (const Arg* arg : {&first, &second}) {
    if (!(*arg->level > 0.0 && *arg->level < 100.0)) {
      fail("percentile '" + arg->name + "' must have a level strictly between 0 and 100");
    }
  }
  if (first.name == second.name) fail("parameter '" + first.name + "' given twice");
  if (*first.level == *second.level) {
    fail(first.name + " and " + second.name +
         " are the same percentile; give two different levels");
  }
  const bool in_order = *first.level < *second.level;
  const Arg& low = in_order ? first : second;
  const Arg& high = in_order ? second : first;
  require_positive(low.name, low.value);
  require_positive(high.name, high.value);
  if (!(low.value < high.value)) {
    fail(low.name + " (" + show(low.value) + ") must be below " + high.name + " (" +
         show(high.value) + ")");
  }
  const auto [mu, sigma] = fit(inverse_normal_cdf(*low.level / 100.0), std::log(low.value),
                               inverse_normal_cdf(*high.level / 100.0), std::log(high.value));
  return detail::make_lognormal(mu, sigma);
}

}  // namespace

DistributionPtr parse(std::string_view spec) { return Parser(spec).parse_spec(); }

}  // namespace costsweep::dist
