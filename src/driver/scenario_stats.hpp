#pragma once
/// The summary rows made from a scenario row's statistics.
#include <cstdint>
#include <vector>

#include "core/statistics/streaming_summary.hpp"
#include "io/result.hpp"
#include "models/model.hpp"

namespace costsweep::driver {

/// Appends the summary statistics of one row (summaries of its outputs, in output order) to
/// rows.
void append_statistics(const stats::DatasetSummary* summaries, std::size_t n_outputs,
                       io::SummaryRows& rows);

}  // namespace costsweep::driver
