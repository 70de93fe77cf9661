#include "core/distributions/detail/families.hpp"

#include <algorithm>
#include <boost/math/special_functions/beta.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <utility>

#include "core/distributions/detail/beta_quantile.hpp"
#include "core/distributions/detail/vector_math.hpp"

namespace costsweep::dist::detail {
namespace {

using Eigen::ArrayXd;
using Eigen::Index;
using Eigen::Ref;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::string format(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", x);
  return buffer;
}

// out = exp(a + b * x), through the same kernel as the scalar quantiles (same bits).
void affine_exp(const Ref<const ArrayXd>& x, double a, double b, Ref<ArrayXd> out) {
  affine_exp_block(x.data(), a, b, out.data(), static_cast<std::size_t>(x.size()));
}

void inverse_normal(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) {
  inverse_normal_block(u.data(), out.data(), static_cast<std::size_t>(u.size()));
}

class Fixed final : public Distribution {
 public:
  explicit Fixed(double value) : value_(value) {}
  void quantile(const Ref<const ArrayXd>&, Ref<ArrayXd> out) const override {
    out.setConstant(value_);
  }
  double quantile(double) const override { return value_; }
  double cdf(double x) const override { return x >= value_ ? 1.0 : 0.0; }
  double sf(double x) const override { return x < value_ ? 1.0 : 0.0; }
  double isf(double) const override { return value_; }
  double support_lower() const override { return value_; }
  double support_upper() const override { return value_; }
  std::string describe() const override { return format(value_); }
  bool is_fixed() const override { return true; }

 private:
  double value_;
};

class Uniform final : public Distribution {
 public:
  Uniform(double a, double b) : a_(a), b_(b), width_(b - a) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    out = a_ + u * width_;
  }
  double quantile(double u) const override { return a_ + u * width_; }
  double cdf(double x) const override { return std::clamp((x - a_) / width_, 0.0, 1.0); }
  double sf(double x) const override { return std::clamp((b_ - x) / width_, 0.0, 1.0); }
  double isf(double s) const override { return b_ - s * width_; }
  double support_lower() const override { return a_; }
  double support_upper() const override { return b_; }
  std::string describe() const override {
    return "uniform(" + format(a_) + ", " + format(b_) + ")";
  }

 private:
  double a_, b_, width_;
};

class LogUniform final : public Distribution {
 public:
  LogUniform(double a, double b)
      : a_(a), b_(b), log_a_(std::log(a)), log_b_(std::log(b)), width_(log_b_ - log_a_) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    affine_exp(u, log_a_, width_, out);
    out = out.max(a_).min(b_);
  }
  double quantile(double u) const override {
    return std::clamp(exp_kernel(log_a_ + width_ * u), a_, b_);
  }
  double cdf(double x) const override {
    return x <= a_ ? 0.0 : std::min((std::log(x) - log_a_) / width_, 1.0);
  }
  double sf(double x) const override {
    return x <= a_ ? 1.0 : std::max((log_b_ - std::log(x)) / width_, 0.0);
  }
  double isf(double s) const override { return std::clamp(std::exp(log_b_ - s * width_), a_, b_); }
  double support_lower() const override { return a_; }
  double support_upper() const override { return b_; }
  std::string describe() const override {
    return "loguniform(" + format(a_) + ", " + format(b_) + ")";
  }

 private:
  double a_, b_, log_a_, log_b_, width_;
};

class Normal final : public Distribution {
 public:
  Normal(double mean, double sd) : mean_(mean), sd_(sd) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    inverse_normal(u, out);
    out = mean_ + sd_ * out;
  }
  double quantile(double u) const override { return mean_ + sd_ * inverse_normal_cdf(u); }
  double cdf(double x) const override { return normal_cdf((x - mean_) / sd_); }
  double sf(double x) const override { return normal_cdf((mean_ - x) / sd_); }
  double isf(double s) const override { return mean_ - sd_ * inverse_normal_cdf(s); }
  double support_lower() const override { return -kInf; }
  double support_upper() const override { return kInf; }
  std::string describe() const override {
    return "normal(mean=" + format(mean_) + ", sd=" + format(sd_) + ")";
  }

 private:
  double mean_, sd_;
};

class LogNormal final : public Distribution {
 public:
  LogNormal(double mu, double sigma) : mu_(mu), sigma_(sigma) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    inverse_normal(u, out);
    affine_exp(out, mu_, sigma_, out);
  }
  double quantile(double u) const override {
    return exp_kernel(mu_ + sigma_ * inverse_normal_cdf(u));
  }
  double cdf(double x) const override {
    return x <= 0.0 ? 0.0 : normal_cdf((std::log(x) - mu_) / sigma_);
  }
  double sf(double x) const override {
    return x <= 0.0 ? 1.0 : normal_cdf((mu_ - std::log(x)) / sigma_);
  }
  double isf(double s) const override { return std::exp(mu_ - sigma_ * inverse_normal_cdf(s)); }
  double support_lower() const override { return 0.0; }
  double support_upper() const override { return kInf; }
  std::string describe() const override {
    return "lognormal(mu=" + format(mu_) + ", sigma=" + format(sigma_) + ")";
  }

 private:
  double mu_, sigma_;
};

class Triangular final : public Distribution {
 public:
  Triangular(double lo, double mode, double hi)
      : lo_(lo),
        mode_(mode),
        hi_(hi),
        split_((mode - lo) / (hi - lo)),
        left_((hi - lo) * (mode - lo)),
        right_((hi - lo) * (hi - mode)) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    out = (u < split_).select(lo_ + (u * left_).sqrt(), hi_ - ((1.0 - u) * right_).sqrt());
  }
  double quantile(double u) const override {
    return u < split_ ? lo_ + std::sqrt(u * left_) : hi_ - std::sqrt((1.0 - u) * right_);
  }
  double cdf(double x) const override {
    if (x <= lo_) return 0.0;
    if (x <= mode_) return (x - lo_) * (x - lo_) / left_;
    return x < hi_ ? 1.0 - (hi_ - x) * (hi_ - x) / right_ : 1.0;
  }
  double sf(double x) const override {
    if (x >= hi_) return 0.0;
    if (x >= mode_) return (hi_ - x) * (hi_ - x) / right_;
    return x > lo_ ? 1.0 - (x - lo_) * (x - lo_) / left_ : 1.0;
  }
  double isf(double s) const override {
    return s < 1.0 - split_ ? hi_ - std::sqrt(s * right_) : lo_ + std::sqrt((1.0 - s) * left_);
  }
  double support_lower() const override { return lo_; }
  double support_upper() const override { return hi_; }
  std::string describe() const override {
    return "triangular(" + format(lo_) + ", " + format(mode_) + ", " + format(hi_) + ")";
  }

 private:
  double lo_, mode_, hi_, split_, left_, right_;
};

// Boost.Math reports problems through its return value (NaN) rather than by throwing or
// printing; the parser guarantees valid parameters, so these only arise for u outside (0, 1).
namespace bmp = boost::math::policies;
using QuietPolicy =
    bmp::policy<bmp::domain_error<bmp::ignore_error>, bmp::pole_error<bmp::ignore_error>,
                bmp::overflow_error<bmp::ignore_error>, bmp::evaluation_error<bmp::ignore_error>>;

// Beta(a, b) scaled to [lo, hi]: the beta family (on [0, 1]) and Beta-PERT. The quantile
// comes from a table built here (beta_quantile.hpp), cdf and sf from Boost.
class ScaledBeta final : public Distribution {
 public:
  ScaledBeta(double a, double b, double lo, double hi, std::string spec)
      : a_(a),
        b_(b),
        lo_(lo),
        hi_(hi),
        width_(hi - lo),
        spec_(std::move(spec)),
        unit_quantile_(a, b) {}
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    unit_quantile_(u, out);
    for (Index i = 0; i < out.size(); ++i) out[i] = std::min(lo_ + width_ * out[i], hi_);
  }
  double quantile(double u) const override {
    return std::min(lo_ + width_ * unit_quantile_(u), hi_);
  }
  double cdf(double x) const override {
    const double y = (x - lo_) / width_;
    return y <= 0.0 ? 0.0 : y >= 1.0 ? 1.0 : boost::math::ibeta(a_, b_, y, QuietPolicy());
  }
  // Boost 1.74's ibetac loses accuracy when its result is near 1 (beta(0.5, 0.5) at x = 1e-24
  // gives exactly 1), so each tail is taken from the function whose result is below 1/2.
  double sf(double x) const override {
    const double y = (x - lo_) / width_;
    if (y <= 0.0 || y >= 1.0) return y <= 0.0 ? 1.0 : 0.0;
    const double p = boost::math::ibeta(a_, b_, y, QuietPolicy());
    return p < 0.5 ? 1.0 - p : boost::math::ibetac(a_, b_, y, QuietPolicy());
  }
  double isf(double s) const override {
    if (s >= 0.5) return quantile(1.0 - s);
    return std::min(lo_ + width_ * boost::math::ibetac_inv(a_, b_, s, QuietPolicy()), hi_);
  }
  double support_lower() const override { return lo_; }
  double support_upper() const override { return hi_; }
  std::string describe() const override { return spec_; }

 private:
  double a_, b_, lo_, hi_, width_;
  std::string spec_;
  BetaQuantile unit_quantile_;
};

// Inversion on whichever tail of the inner distribution holds [lo, hi] with more precision:
// probabilities are cdf values (lower half) or sf values (upper half), from_ at lo, to_ at hi.
class Truncated final : public Distribution {
 public:
  Truncated(DistributionPtr inner, double lo, double hi)
      : inner_(std::move(inner)), lo_(lo), hi_(hi), upper_(inner_->cdf(lo) > 0.5) {
    from_ = upper_ ? inner_->sf(lo) : inner_->cdf(lo);
    to_ = upper_ ? inner_->sf(hi) : inner_->cdf(hi);
    span_ = to_ - from_;
  }
  void quantile(const Ref<const ArrayXd>& u, Ref<ArrayXd> out) const override {
    if (upper_) {
      for (Index i = 0; i < u.size(); ++i) out[i] = inner_->isf(from_ + u[i] * span_);
    } else {
      out = from_ + u * span_;
      inner_->quantile(out, out);
    }
    out = out.max(lo_).min(hi_);
  }
  double quantile(double u) const override {
    const double p = from_ + u * span_;
    return std::clamp(upper_ ? inner_->isf(p) : inner_->quantile(p), lo_, hi_);
  }
  double cdf(double x) const override {
    if (x <= lo_) return 0.0;
    if (x >= hi_) return 1.0;
    return std::clamp(((upper_ ? inner_->sf(x) : inner_->cdf(x)) - from_) / span_, 0.0, 1.0);
  }
  double sf(double x) const override {
    if (x <= lo_) return 1.0;
    if (x >= hi_) return 0.0;
    return std::clamp((to_ - (upper_ ? inner_->sf(x) : inner_->cdf(x))) / span_, 0.0, 1.0);
  }
  double isf(double s) const override {
    const double p = to_ - s * span_;
    return std::clamp(upper_ ? inner_->isf(p) : inner_->quantile(p), lo_, hi_);
  }
  double support_lower() const override { return std::max(lo_, inner_->support_lower()); }
  double support_upper() const override { return std::min(hi_, inner_->support_upper()); }
  std::string describe() const override {
    return "truncate(" + inner_->describe() + ", " + format(lo_) + ", " + format(hi_) + ")";
  }

 private:
  DistributionPtr inner_;
  double lo_, hi_;
  bool upper_;
  double from_ = 0.0, to_ = 0.0, span_ = 0.0;
};

}  // namespace

DistributionPtr make_fixed(double value) { return std::make_shared<Fixed>(value); }
DistributionPtr make_uniform(double a, double b) { return std::make_shared<Uniform>(a, b); }
DistributionPtr make_normal(double mean, double sd) { return std::make_shared<Normal>(mean, sd); }
DistributionPtr make_lognormal(double mu, double sigma) {
  return std::make_shared<LogNormal>(mu, sigma);
}
DistributionPtr make_loguniform(double a, double b) { return std::make_shared<LogUniform>(a, b); }
DistributionPtr make_triangular(double lo, double mode, double hi) {
  return std::make_shared<Triangular>(lo, mode, hi);
}

DistributionPtr make_pert(double lo, double mode, double hi, double lambda) {
  // Beta-PERT with the mode weighted by lambda (lambda = 4 is classic PERT).
  const double width = hi - lo;
  const double alpha = 1.0 + lambda * (mode - lo) / width;
  const double beta = 1.0 + lambda * (hi - mode) / width;
  std::string spec = "pert(" + format(lo) + ", " + format(mode) + ", " + format(hi) +
                     ", lambda=" + format(lambda) + ")";
  return std::make_shared<ScaledBeta>(alpha, beta, lo, hi, std::move(spec));
}

DistributionPtr make_beta(double a, double b) {
  return std::make_shared<ScaledBeta>(a, b, 0.0, 1.0, "beta(" + format(a) + ", " + format(b) + ")");
}

DistributionPtr make_truncated(DistributionPtr inner, double lo, double hi) {
  return std::make_shared<Truncated>(std::move(inner), lo, hi);
}

double mass_between(const Distribution& inner, double lo, double hi) {
  if (inner.cdf(lo) > 0.5) return inner.sf(lo) - inner.sf(hi);
  return inner.cdf(hi) - inner.cdf(lo);
}

}  // namespace costsweep::dist::detail
