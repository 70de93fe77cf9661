#pragma once
/// The summary rows a rank writes: statistics, Sobol indices and rank measures of the scenario
/// rows it owns, reduced or gathered across ranks for rows split between them.
#include <string>
#include <vector>

#include "driver/detail/evaluate.hpp"
#include "io/result.hpp"
#include "mpi/communicator.hpp"
#include "partition/partition.hpp"
#include "study/study.hpp"

namespace costsweep::driver::detail {

/// Every input name of every scenario of the job, in order of first appearance.
std::vector<std::string> input_union(const study::Study& study);

/// How the rows' draws are summarised: held in memory while a batch's draws fit
/// hold_budget_bytes per rank (one pass), else regenerated pass after pass.
struct StatisticsPolicy {
  enum class Mode { kAuto, kHold, kStream } mode = Mode::kAuto;
  std::uint64_t hold_budget_bytes = std::uint64_t{1} << 30;
};

/// Collective. Evaluates this rank's tasks in batches of rows and returns the summary rows it
/// owns, in row order, with Sobol indices and rank measures when the study asks for them;
/// throws RuntimeError on every rank if any draw is NaN.
io::SummaryRows summarise_owned(const BatchContext& context, const StatisticsPolicy& policy,
                                const mpi::Communicator& comm);

}  // namespace costsweep::driver::detail
