#pragma once
/// What a rank keeps of one scenario row besides its statistics: the first draws the rank
/// measures read and the Sobol accumulators; and the summary rows made from its statistics.
#include <cstdint>
#include <vector>

#include "core/statistics/sobol_indices.hpp"
#include "core/statistics/streaming_summary.hpp"
#include "io/result.hpp"
#include "models/model.hpp"

namespace costsweep::driver {

/// This process's share of one scenario row, from its first block: the outputs and inputs of
/// its draws below the rank measures' limit (first_draw onwards), and its Sobol accumulators.
struct Piece {
  std::uint64_t row = 0;
  std::uint64_t first_draw = 0;
  models::Block outputs;                       ///< kept draws only (none without rank measures)
  models::Block inputs;                        ///< same draws as outputs
  std::vector<stats::SobolAccumulator> sobol;  ///< per output, with sensitivity.sobol
};

/// Appends the summary statistics of one row (summaries of its outputs, in output order) to
/// rows.
void append_statistics(const stats::DatasetSummary* summaries, std::size_t n_outputs,
                       io::SummaryRows& rows);

}  // namespace costsweep::driver
