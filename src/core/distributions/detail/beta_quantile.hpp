#pragma once
/// Fast inverse of the regularized incomplete beta function I_x(a, b) in double precision: a
/// table of Taylor polynomials of the quantile, built once per distribution.
#include <Eigen/Core>
#include <array>
#include <cstdint>
#include <vector>

namespace costsweep::dist::detail {

/// Quantile of Beta(a, b) on [0, 1]. With p = min(u, 1 - u) (exact), each binade of p in
/// [2^-16, 1/2] is cut into 8 intervals, and on each the lower (u <= 1/2) or upper branch
/// x(p) is a degree-14 Taylor polynomial about the interval's centre, whose coefficients come
/// from the ODE dx/du = 1/pdf(x) (power-series arithmetic in long double) and whose constant
/// term is the quantile solved to long double precision. The rare draws with p < 2^-16 and any
/// interval that fails its build-time check are solved by Newton's method in long double.
/// Immutable and thread-safe once built; never allocates after construction.
class BetaQuantile {
 public:
  /// Largest relative error that the build-time check accepts for a tabulated interval.
  static constexpr double kMaxCheckedError = 1e-13;
  /// Table range: shapes outside [kMinShape, kMaxShape] are not tabulated (Boost throughout).
  static constexpr double kMinShape = 0.05;
  static constexpr double kMaxShape = 1e4;

  /// Preconditions: a > 0, b > 0, finite. Costs about 1-2 ms (one long double Newton solve per
  /// branch, then one or two Newton steps per interval from the previous polynomial).
  BetaQuantile(double a, double b);

  /// x with I_x(a, b) = u, in [0, 1]. Precondition: u in (0, 1); other u go to Boost.Math
  /// (NaN for u outside [0, 1]).
  double operator()(double u) const;
  /// out[i] = (*this)(u[i]), the same bits. Precondition: u.size() == out.size().
  void operator()(const Eigen::Ref<const Eigen::ArrayXd>& u, Eigen::Ref<Eigen::ArrayXd> out) const;

  /// Build-time diagnostics: whether the table is in use, the largest relative error that the
  /// check measured (at the neighbouring centres, beyond the interval ends), and how many
  /// intervals failed it and are solved per draw instead.
  bool tabulated() const { return !intervals_.empty(); }
  double max_checked_error() const { return max_checked_error_; }
  int n_fallback_intervals() const { return n_fallback_; }

  /// Taylor degree and intervals per binade of p (2^kBinadeBits); p below kSmallestTabulated
  /// is solved per draw.
  static constexpr int kDegree = 14;
  static constexpr int kBinadeBits = 3;
  static constexpr double kSmallestTabulated = 0x1p-16;

 private:
  struct Interval {
    double centre;
    double value_hi, value_lo;  // x at the centre as a double-double
    // Outputs are clamped to the first value of the neighbouring interval, so that the
    // quantile is monotone across interval ends (min in the lower branch, max in the upper).
    double bound;
    std::array<double, kDegree> coefficients;  // of h^1 .. h^kDegree, h = p - centre
    bool fallback;
  };

  void build_branch(bool upper);
  double boost_quantile(double u) const;
  double evaluate(const Interval& interval, double p) const;
  // The clamped table value for p = min(u, 1 - u) in `interval`.
  double output(const Interval& interval, double p, bool upper) const;
  // The quantile at p solved in long double (tails and intervals that failed the check).
  double solved(double p, bool upper) const;

  double a_, b_;
  std::uint64_t first_key_ = 0;
  std::int64_t n_per_branch_ = 0;
  std::vector<Interval> intervals_;  // lower branch, then upper branch
  double lower_tail_bound_ = 0.0, upper_tail_bound_ = 1.0;
  double max_checked_error_ = 0.0;
  int n_fallback_ = 0;
};

}  // namespace costsweep::dist::detail
