#pragma once
/// Rank measures of sensitivity from plain Monte Carlo draws: Spearman's rank correlation of each
/// input with each output, and the partial rank correlation coefficient (PRCC; Iman & Conover
/// 1984, Marino et al. 2008): the correlation of the ranks of input i and output o once the
/// linear effect of the other inputs' ranks is removed from both. Ties share their mean rank.
/// Intervals by Fisher's z transform: standard error sqrt(1.06 / (n - 3)) for Spearman (Fieller,
/// Hartley & Pearson 1957) and 1 / sqrt(n - 3 - (k - 1)) for a partial correlation given k - 1
/// other inputs.
///
/// From the same draws, rank-based first-order Sobol indices (Gamboa, Klein & Lagnoux 2022,
/// "Global sensitivity analysis: a novel generation of mighty estimators based on rank
/// statistics", Bernoulli 28(4); R's sensitivity::sobolrank): with the draws sorted by input i,
/// each output value is paired with the one of the next draw in that order (the last with the
/// first), and S_i = sum_j (y_j - ybar)(y_N(j) - ybar) / sum_j (y_j - ybar)^2, which tends to
/// Var(E[Y | X_i]) / Var(Y) for independent inputs. No extra model evaluations: any sample of
/// independent draws will do.
#include <Eigen/Core>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace costsweep::stats {

/// Measures of n_outputs x n_inputs pairs, row-major [output][input]. NaN where undefined: a
/// constant input or output (no ranks to correlate), and for PRCC also when the varying inputs'
/// rank correlation matrix with the output is singular (e.g. the output is an exact monotone
/// function of one input while others vary) or n <= k + 3 (k varying inputs). With one varying
/// input PRCC equals Spearman.
struct RankCorrelations {
  std::uint64_t n_draws = 0;
  std::vector<double> spearman, spearman_low, spearman_high;
  std::vector<double> prcc, prcc_low, prcc_high;
  /// Rank-based first-order Sobol index of each input (no interval); NaN for a constant input
  /// or output.
  std::vector<double> first_order;
};

/// The rank-based first-order index of one input for one output (see above): `order` lists the
/// draws sorted by the input. NaN if the output is constant.
double rank_first_order(const std::vector<std::size_t>& order,
                        const Eigen::Ref<const Eigen::ArrayXd>& output);

/// Ranks 1..n of values (ties get the mean of the ranks they span) minus their mean (n + 1) / 2.
/// Deterministic: depends only on the values and their order.
Eigen::VectorXd centred_ranks(const Eigen::Ref<const Eigen::ArrayXd>& values);

/// Rank measures of every input column with every output column (same rows: draws), with
/// two-sided intervals at `confidence`.
RankCorrelations rank_correlations(const Eigen::Ref<const Eigen::ArrayXXd>& inputs,
                                   const Eigen::Ref<const Eigen::ArrayXXd>& outputs,
                                   double confidence = 0.95);

}  // namespace costsweep::stats
