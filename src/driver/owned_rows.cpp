#include "driver/detail/owned_rows.hpp"

#include <algorithm>
#include <map>

#include "driver/interrupt.hpp"
#include "driver/measures/measure.hpp"

namespace costsweep::driver::detail {

std::vector<std::string> input_union(const study::Study& study) {
  std::vector<std::string> names;
  for (const auto& scenario : study.scenarios) {
    for (const auto& in : scenario->inputs) {
      if (std::find(names.begin(), names.end(), in.name()) == names.end())
        names.emplace_back(in.name());
    }
  }
  return names;
}

namespace {

stats::Reductions across_ranks(const mpi::Communicator& comm) {
  return {[&comm](std::vector<std::int64_t>& v) { comm.sum(v); },
          [&comm](std::vector<double>& v) { comm.min(v); },
          [&comm](std::vector<double>& v) { comm.max(v); },
          [&comm](std::vector<std::uint64_t>& v) { comm.sum(v); }};
}

/// Turns batches into the rows this rank owns, and remembers the first NaN found.
class RowCollector {
 public:
  RowCollector(const BatchContext& context, const mpi::Communicator& comm)
      : context_(context), comm_(comm), names_(input_union(context.study)) {}

  /// Collective when split (the batch's rows are shared by every rank): the measures combine
  /// the ranks' shares of each row on its owner, in all_measures() order.
  void absorb(Batch batch, bool split) {
    const auto& base = context_.study.base();
    const std::size_t n_out = base.model->outputs().size();
    const MeasureRun run{context_.study, context_.first_scenario, context_.n_draws, names_};
    std::vector<int> owners;
    for (const auto row : batch.rows) {
      owners.push_back(split ? context_.layout.owner(row, comm_.size()) : comm_.rank());
    }
    if (split && !batch.measures_reduced) {
      for (std::size_t k = 0; k < batch.measures.size(); ++k) {
        batch.measures[k]->reduce(run, batch.rows, owners, batch.states[k], comm_);
      }
    }
    for (std::size_t i = 0; i < batch.rows.size(); ++i) {
      if (owners[i] != comm_.rank()) continue;
      const std::uint64_t row = batch.rows[i];
      const auto& scenario = *context_.study.scenarios[context_.first_scenario + row];
      note_nan(batch, i, n_out);
      io::SummaryRows one;
      append_statistics(batch.summaries.data() + i * n_out, n_out, one);
      for (std::size_t k = 0; k < batch.measures.size(); ++k) {
        batch.measures[k]->append(run, scenario, batch.states[k][i].get(), one);
      }
      rows_.emplace(row, std::move(one));
    }
  }

  /// Takes a row this rank owns as done (a resumed run's).
  void adopt(std::uint64_t row, const io::SummaryRows& results) { rows_.emplace(row, results); }
  /// The complete rows this rank owns so far.
  const io::CheckpointRows& rows() const { return rows_; }

  /// Collective. The owned rows in row order; throws on every rank if any rank found a NaN.
  io::SummaryRows finish() {
    const auto& base = context_.study.base();
    if (!comm_.all(nan_message_.empty())) {
      throw RuntimeError((nan_message_.empty() ? "another rank found NaN or infinite model outputs"
                                               : nan_message_) +
                         " (check the input distributions) [" + base.job().path + "]");
    }
    io::SummaryRows owned;
    for (const auto& [row, one] : rows_) owned.append(one);
    return owned;
  }

 private:
  void note_nan(const Batch& batch, std::size_t i, std::size_t n_out) {
    for (std::size_t o = 0; o < n_out && nan_message_.empty(); ++o) {
      const auto& summary = batch.summaries[i * n_out + o];
      if (summary.n_nan == 0 && summary.n_inf == 0) continue;
      // Infinities first: their differences to the baseline are NaN too.
      const std::string what = summary.n_inf > 0
                                   ? "an infinite value (e.g. a division by zero) for " +
                                         std::to_string(summary.n_inf) + " draws"
                                   : "NaN for " + std::to_string(summary.n_nan) + " draws";
      nan_message_ = "cannot summarise output '" + context_.study.base().model->outputs()[o].name +
                     "' of scenario '" +
                     context_.study.scenario_names[context_.first_scenario + batch.rows[i]] +
                     "': the model returned " + what;
    }
  }

  const BatchContext& context_;
  const mpi::Communicator& comm_;
  std::vector<std::string> names_;
  io::CheckpointRows rows_;
  std::string nan_message_;
};

/// Bytes the in-memory path keeps of one row's draws on this rank.
std::uint64_t held_bytes(std::uint64_t local_draws, std::size_t n_out, bool paired) {
  return local_draws * n_out * stats::StreamingSummary::held_bytes_per_value(paired);
}

bool hold(const StatisticsPolicy& policy, std::uint64_t bytes) {
  using Mode = StatisticsPolicy::Mode;
  return policy.mode == Mode::kHold ||
         (policy.mode == Mode::kAuto && bytes <= policy.hold_budget_bytes);
}

}  // namespace

io::SummaryRows summarise_owned(const BatchContext& context, const StatisticsPolicy& policy,
                                const mpi::Communicator& comm) {
  const auto& layout = context.layout;
  const auto& study = context.study;
  const std::size_t n_out = study.base().model->outputs().size();
  const std::uint64_t block_size = study.job().block_size;
  // Progress counts every pass's draws: one pass where rank 0 keeps them, two where it
  // regenerates them (refining passes, rare, go past the estimate and are clamped).
  RowCheckpoint* checkpoint = context.checkpoint;
  const auto done = [&](std::uint64_t row) {
    return checkpoint != nullptr ? checkpoint->done(row) : nullptr;
  };
  const std::uint64_t done_rows = checkpoint != nullptr ? checkpoint->done_rows() : 0;
  const std::uint64_t rank0_draws = (layout.rows - std::min(layout.rows, done_rows)) *
                                    context.n_draws / static_cast<std::uint64_t>(comm.size());
  const bool rank0_holds = hold(policy, held_bytes(rank0_draws, n_out, true));
  Progress meter(
      (layout.rows - std::min(layout.rows, done_rows)) * context.n_draws * (rank0_holds ? 1 : 2),
      context.progress);
  BatchContext with_meter = context;
  with_meter.meter = &meter;
  const auto names = input_union(study);
  with_meter.input_names = &names;
  RowCollector collector(with_meter, comm);
  // A batch's state in the middle of its draws goes into this rank's piece, written now or,
  // on a signal, below; a complete batch's rows replace it.
  if (checkpoint != nullptr && checkpoint->enabled()) {
    with_meter.save_split = [&](io::SplitPiece piece, bool write_now) {
      checkpoint->set_split(std::move(piece));
      if (write_now) checkpoint->write_now(collector.rows());
    };
  }
  std::uint64_t done_draws = 0;
  const auto absorb = [&](Batch batch, bool split) {
    collector.absorb(std::move(batch), split);
    if (checkpoint != nullptr) {
      checkpoint->clear_split();
      checkpoint->write_if_due(collector.rows());
    }
    // A batch that checkpoints inside looks for signals only where its ranks agree, and a short
    // one may have had no such point.
    if (const int signal = pending_signal(); signal != 0) {
      throw Interrupted(signal, done_draws * static_cast<std::uint64_t>(comm.size()),
                        meter.total());
    }
  };
  try {
    // Split rows: one collective batch of those not done; whether it holds its draws is decided
    // from numbers every rank knows (an upper bound of any rank's share), so every rank makes
    // the same passes. Every rank knows the same rows as done (rank 0 read the checkpoint).
    std::vector<std::uint64_t> split_rows;
    for (const auto row : layout.split_rows) {
      if (const auto* results = done(row)) {
        if (layout.owner(row, comm.size()) == comm.rank()) collector.adopt(row, *results);
      } else {
        split_rows.push_back(row);
      }
    }
    if (!split_rows.empty()) {
      const std::uint64_t share =
          layout.block_major
              ? std::min(context.n_draws,
                         (layout.blocks / static_cast<std::uint64_t>(comm.size()) + 1) * block_size)
              : context.n_draws;
      BatchContext split = with_meter;
      split.split = &comm;
      // A batch resumed from the middle of its draws regenerates them, as it did then.
      split.hold =
          hold(policy, held_bytes(share, n_out, true) * split_rows.size()) &&
          (checkpoint == nullptr || checkpoint->resumed_split(split_rows, block_size).empty());
      absorb(run_batch(split, split_rows, across_ranks(comm), done_draws), true);
    }
    // Whole rows: batches of rows whose held draws fit the budget together (or one row at a
    // time, regenerated, when a row alone does not fit); no communication.
    constexpr std::size_t kMaxRowsPerBatch = 16;
    std::vector<std::uint64_t> rows;
    std::uint64_t bytes = 0;
    bool batch_holds = true;
    BatchContext whole = with_meter;
    const auto flush = [&] {
      if (rows.empty()) return;
      whole.hold = batch_holds &&
                   (checkpoint == nullptr || checkpoint->resumed_split(rows, block_size).empty());
      absorb(run_batch(whole, rows, stats::local_reductions(), done_draws), false);
      rows.clear();
      bytes = 0;
    };
    for (std::uint64_t row = layout.owned_first; row < layout.owned_last; ++row) {
      if (layout.is_split(row)) continue;
      if (const auto* results = done(row)) {
        collector.adopt(row, *results);
        continue;
      }
      const auto [b0, b1] = layout.local_blocks(row);
      const std::uint64_t local = std::min(b1 * block_size, context.n_draws) - b0 * block_size;
      const std::uint64_t need =
          held_bytes(local, n_out, row + context.first_scenario != study.baseline);
      const bool row_holds = hold(policy, need);
      if (!rows.empty() && (row_holds != batch_holds || rows.size() == kMaxRowsPerBatch ||
                            (row_holds && !hold(policy, bytes + need)))) {
        flush();
      }
      batch_holds = row_holds;
      rows.push_back(row);
      bytes += need;
      if (!row_holds && rows.size() >= 4) flush();
    }
    flush();
  } catch (const Interrupted& e) {
    // What is complete is kept: this rank's piece, then the interruption goes on.
    if (checkpoint == nullptr || !checkpoint->enabled()) throw;
    checkpoint->write_if_due(collector.rows(), signal_name(e.signal()));
    throw Interrupted(e, checkpoint->folder());
  }
  meter.finish();
  return collector.finish();
}

}  // namespace costsweep::driver::detail
