#pragma once
/// Sobol sensitivity indices from a pick-freeze (Saltelli) design: first-order indices by
/// Saltelli et al. (2010), total indices by Jansen (1999), both on outputs centred by a fixed
/// shift, with delta-method confidence intervals. Every sum is exact (ExactSum), so
/// accumulators merge across blocks and ranks in any order to the same bits.
#include <Eigen/Core>
#include <cstdint>
#include <span>
#include <vector>

#include "core/statistics/exact_sum.hpp"

namespace costsweep::stats {

/// Indices of one output for k groups of inputs, with confidence-interval half-widths.
struct SobolEstimate {
  std::int64_t base_draws = 0;
  double variance = 0;  ///< output variance from the A and B draws pooled
  std::vector<double> first, first_halfwidth;
  std::vector<double> total, total_halfwidth;
};

class SobolAccumulator {
 public:
  /// k groups; shift is subtracted from every output value first (any fixed value near the
  /// output's typical size: it keeps the products small, as cost outputs near 1e9 need).
  SobolAccumulator(std::size_t k, double shift);

  /// One block of base draws j: f_a[j] = f(A_j), f_b[j] = f(B_j), and column i of f_ab
  /// f(A_j with group i taken from B_j). Rows: draws; f_ab has k columns.
  void add(const Eigen::Ref<const Eigen::ArrayXd>& f_a, const Eigen::Ref<const Eigen::ArrayXd>& f_b,
           const Eigen::Ref<const Eigen::ArrayXXd>& f_ab);
  /// Adds another accumulator's draws (same k and shift).
  void merge(const SobolAccumulator& other);

  /// Raw state for elementwise int64 summation across processes (then from_state).
  std::vector<std::int64_t> state() const;
  static SobolAccumulator from_state(std::size_t k, double shift,
                                     std::span<const std::int64_t> state);

  /// The indices with half-widths of two-sided intervals at `confidence` (normal quantile).
  SobolEstimate estimate(double confidence = 0.95) const;

 private:
  // Per draw, with a, b, c_i the shifted f_a, f_b, f_ab columns: p = (a^2 + b^2)/2,
  // q = (a + b)/2, x_i = b (c_i - a) (first order), w_i = (a - c_i)^2 / 2 (total).
  // Sums kept: p, q, p^2, q^2, pq, then per group x, x^2, xp, xq, w, w^2, wp, wq.
  static constexpr std::size_t kShared = 5, kPerGroup = 8;
  std::size_t k_;
  double shift_;
  std::int64_t n_ = 0;
  std::vector<ExactSum> sums_;
};

}  // namespace costsweep::stats
