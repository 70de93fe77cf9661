#pragma once
/// Statistics of scenario rows from the draws a process holds, with reductions supplied by the
/// caller: identity for rows a process holds whole, sums across ranks for rows split between
/// them. Every statistic is exact (order-free sums, exact quantiles), so a row's numbers are the
/// same bits whoever computes them.
#include <cstdint>
#include <functional>
#include <vector>

#include "core/statistics/selection.hpp"
#include "core/statistics/sobol_indices.hpp"
#include "io/result.hpp"
#include "models/model.hpp"

namespace costsweep::driver {

/// This process's consecutive draws of one scenario row: outputs and, for paired differences,
/// the baseline scenario's outputs on the same draws.
struct Piece {
  std::uint64_t row = 0;
  std::uint64_t first_draw = 0;
  models::Block outputs;
  models::Block inputs;      ///< only when samples are saved
  models::Block baseline;    ///< same shape as outputs, unless the row is the baseline itself
  bool is_baseline = false;  ///< differences are zero: not computed
  std::vector<stats::SobolAccumulator> sobol;  ///< per output, with sensitivity.sobol
};

/// Elementwise reductions across the processes sharing the pieces (identity when one holds all).
struct Reductions {
  std::function<void(std::vector<std::int64_t>&)> sum;
  std::function<void(std::vector<double>&)> min;
  std::function<void(std::vector<double>&)> max;
  stats::SumAcrossProcesses sum_counts;
};

/// Reductions for data held whole by one process.
Reductions local_reductions();

/// Summary rows, one per piece, in piece order. n_draws is every row's total draw count (over
/// all processes); levels the quantile levels. nan_count receives, per piece and output, the
/// draws whose output or paired difference is NaN. Calls each reduction a fixed number of
/// times whatever the pieces (collective-safe).
io::SummaryRows summarise(const std::vector<const Piece*>& pieces, std::size_t n_outputs,
                          std::uint64_t n_draws, const std::vector<double>& levels,
                          const Reductions& reduce, std::vector<std::int64_t>& nan_count);

}  // namespace costsweep::driver
