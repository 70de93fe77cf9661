#pragma once
/// This rank's share of a run: batches of scenario rows evaluated block by block, in as many
/// passes over their draws as their exact statistics need (draws are regenerated, not kept).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/statistics/streaming_summary.hpp"
#include "driver/checkpoint.hpp"
#include "driver/measures/measure.hpp"
#include "driver/progress.hpp"
#include "driver/scenario_stats.hpp"
#include "partition/partition.hpp"
#include "study/study.hpp"

namespace costsweep::driver::detail {

/// Receives every block of draws of pass 0 (row, first draw, the scenario's inputs, outputs):
/// where saved samples go.
using BlockSink = std::function<void(std::uint64_t row, std::uint64_t first_draw,
                                     const Eigen::Ref<const models::Block>& inputs,
                                     const Eigen::Ref<const models::Block>& outputs)>;

/// What a batch needs besides its rows.
struct BatchContext {
  const study::Study& study;
  std::size_t first_scenario;
  const partition::Partition& layout;
  std::uint64_t n_draws;
  bool hold;  ///< keep the draws (one pass) instead of regenerating them
  const BlockSink* samples = nullptr;
  bool progress = false;  ///< show progress (rank 0)
  int ranks = 1;          ///< progress of rank 0 times the rank count estimates the job's
  Progress* meter = nullptr;
  const std::vector<std::string>* input_names = nullptr;  ///< the file's inputs (input_union)
  /// This rank's checkpoint of the round (rows done by a resumed run are not computed again),
  /// or null.
  RowCheckpoint* checkpoint = nullptr;
  /// A split batch: the ranks that share its rows. The measures are then combined on each
  /// row's owner after pass 0, and, when `checkpoint` is enabled and the draws are regenerated
  /// (not held), the ranks agree every few blocks whether to checkpoint: when the interval has
  /// passed on rank 0 or a signal came to any rank. Each then hands its state to save_split
  /// (to write now, or, on a signal, to be written before Interrupted goes on).
  const mpi::Communicator* split = nullptr;
  std::function<void(io::SplitPiece, bool write_now)> save_split = nullptr;
};

/// The rows' statistics (rows x outputs, in row order) and what each enabled measure keeps of
/// each row.
struct Batch {
  std::vector<std::uint64_t> rows;
  std::vector<stats::DatasetSummary> summaries;
  std::vector<const Measure*> measures;  ///< the job's, in all_measures() order
  std::vector<std::vector<std::unique_ptr<MeasureState>>> states;  ///< [measure][row]
  bool measures_reduced = false;  ///< a split batch's states are on the rows' owners already
};

/// Collective over the processes that reduce shares: evaluates this rank's blocks of rows
/// (a rank may hold none of some rows) pass after pass until their statistics are final.
Batch run_batch(const BatchContext& context, std::vector<std::uint64_t> rows,
                const stats::Reductions& reduce, std::uint64_t& done_draws);

}  // namespace costsweep::driver::detail
