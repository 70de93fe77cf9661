#include "core/statistics/sobol_indices.hpp"

#include <cmath>
#include <stdexcept>

#include "core/distributions/distribution.hpp"

namespace costsweep::stats {
namespace {

constexpr auto kState = static_cast<std::size_t>(ExactSum::kStateSize);

/// Delta-method variance of mean(t) / (mean(p) - mean(q)^2), from the sums of t, p, q and of
/// their products over n draws.
struct RatioParts {
  double t, tt, tp, tq;
};

double ratio_variance(double n, const RatioParts& s, double p, double q, double pp, double qq,
                      double pq) {
  const double mt = s.t / n, mp = p / n, mq = q / n;
  const double v = mp - mq * mq;
  // Gradient of phi(t, p, q) = t / (p - q^2) at the means.
  const double gt = 1.0 / v, gp = -mt / (v * v), gq = 2.0 * mq * mt / (v * v);
  const auto cov = [n](double sum_xy, double sum_x, double sum_y) {
    return (sum_xy - sum_x * sum_y / n) / (n - 1.0);
  };
  const double c_tt = cov(s.tt, s.t, s.t), c_pp = cov(pp, p, p), c_qq = cov(qq, q, q);
  const double c_tp = cov(s.tp, s.t, p), c_tq = cov(s.tq, s.t, q), c_pq = cov(pq, p, q);
  const double var = gt * gt * c_tt + gp * gp * c_pp + gq * gq * c_qq +
                     2.0 * (gt * gp * c_tp + gt * gq * c_tq + gp * gq * c_pq);
  return var / n;
}

}  // namespace

SobolAccumulator::SobolAccumulator(std::size_t k, double shift)
    : k_(k), shift_(shift), sums_(kShared + kPerGroup * k) {}

void SobolAccumulator::add(const Eigen::Ref<const Eigen::ArrayXd>& f_a,
                           const Eigen::Ref<const Eigen::ArrayXd>& f_b,
                           const Eigen::Ref<const Eigen::ArrayXXd>& f_ab) {
  const Eigen::Index rows = f_a.size();
  if (f_b.size() != rows || f_ab.rows() != rows || static_cast<std::size_t>(f_ab.cols()) != k_) {
    throw std::invalid_argument("cannot add Sobol draws: block shapes differ");
  }
  for (Eigen::Index j = 0; j < rows; ++j) {
    const double a = f_a[j] - shift_, b = f_b[j] - shift_;
    const double p = 0.5 * (a * a + b * b), q = 0.5 * (a + b);
    sums_[0].add(p);
    sums_[1].add(q);
    sums_[2].add(p * p);
    sums_[3].add(q * q);
    sums_[4].add(p * q);
    for (std::size_t i = 0; i < k_; ++i) {
      const double c = f_ab(j, static_cast<Eigen::Index>(i)) - shift_;
      const double x = b * (c - a), w = 0.5 * (a - c) * (a - c);
      ExactSum* s = &sums_[kShared + kPerGroup * i];
      s[0].add(x);
      s[1].add(x * x);
      s[2].add(x * p);
      s[3].add(x * q);
      s[4].add(w);
      s[5].add(w * w);
      s[6].add(w * p);
      s[7].add(w * q);
    }
  }
  n_ += rows;
}

void SobolAccumulator::merge(const SobolAccumulator& other) {
  for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i].merge(other.sums_[i]);
  n_ += other.n_;
}

std::vector<std::int64_t> SobolAccumulator::state() const {
  std::vector<std::int64_t> state;
  for (const auto& sum : sums_) {
    const auto s = sum.state();
    state.insert(state.end(), s.begin(), s.end());
  }
  state.push_back(n_);
  return state;
}

SobolAccumulator SobolAccumulator::from_state(std::size_t k, double shift,
                                              std::span<const std::int64_t> state) {
  SobolAccumulator acc(k, shift);
  if (state.size() != acc.sums_.size() * kState + 1) {
    throw std::invalid_argument("cannot restore a Sobol accumulator: state size differs");
  }
  for (std::size_t i = 0; i < acc.sums_.size(); ++i) {
    acc.sums_[i] = ExactSum::from_state(
        std::span<const std::int64_t, kState>(state.data() + i * kState, kState));
  }
  acc.n_ = state.back();
  return acc;
}

SobolEstimate SobolAccumulator::estimate(double confidence) const {
  SobolEstimate e;
  e.base_draws = n_;
  const double n = static_cast<double>(n_);
  const double p = sums_[0].value(), q = sums_[1].value(), pp = sums_[2].value(),
               qq = sums_[3].value(), pq = sums_[4].value();
  e.variance = p / n - (q / n) * (q / n);
  const double z = dist::inverse_normal_cdf(0.5 + 0.5 * confidence);
  for (std::size_t i = 0; i < k_; ++i) {
    const ExactSum* s = &sums_[kShared + kPerGroup * i];
    const RatioParts first{s[0].value(), s[1].value(), s[2].value(), s[3].value()};
    const RatioParts total{s[4].value(), s[5].value(), s[6].value(), s[7].value()};
    e.first.push_back(first.t / n / e.variance);
    e.total.push_back(total.t / n / e.variance);
    e.first_halfwidth.push_back(z * std::sqrt(ratio_variance(n, first, p, q, pp, qq, pq)));
    e.total_halfwidth.push_back(z * std::sqrt(ratio_variance(n, total, p, q, pp, qq, pq)));
  }
  return e;
}

}  // namespace costsweep::stats
