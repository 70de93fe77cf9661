#include "driver/detail/evaluate.hpp"

#include <algorithm>

#include "core/serial/bytes.hpp"
#include "driver/block_runner.hpp"
#include "driver/interrupt.hpp"
#include "driver/measures/measure.hpp"

namespace costsweep::driver::detail {
namespace {

using Span = io::BlockSpan;

/// Blocks a split batch feeds between two agreements on a checkpoint (one small collective);
/// after the batch, summarise_owned looks for a signal too.
constexpr std::size_t kAgreeEvery = 16;

/// One row of a batch: its study, runner, this rank's blocks and what it keeps.
struct RowState {
  const study::Scenario* scenario;
  std::unique_ptr<BlockRunner> runner;
  std::vector<Span> layout;  ///< this rank's blocks of the row in every pass
  std::vector<Span> blocks;  ///< this rank's blocks of the current pass
  std::vector<Span> done;    ///< the blocks of the current pass its state covers
  bool is_baseline;
  models::Block inputs;     ///< scratch for one block
  std::uint64_t first = 0;  ///< pass 0: first draw of this rank's blocks
  std::uint64_t local = 0;  ///< pass 0: draws of the row on this rank
};

bool holds(const std::vector<Span>& spans, std::uint64_t block) {
  return std::any_of(spans.begin(), spans.end(),
                     [block](const Span& s) { return block >= s.first && block < s.second; });
}

void add_to(std::vector<Span>& spans, std::uint64_t block) {
  if (!spans.empty() && spans.back().second == block) {
    ++spans.back().second;
  } else {
    spans.emplace_back(block, block + 1);
  }
}

/// This rank's contiguous share of the blocks [0, n_blocks) that no span of `done` holds.
std::vector<Span> share_of_rest(std::uint64_t n_blocks, std::vector<Span> done, int rank,
                                int size) {
  std::sort(done.begin(), done.end());
  std::vector<Span> rest;
  std::uint64_t at = 0;
  for (const auto& [first, last] : done) {
    if (first > at) rest.emplace_back(at, std::min(first, n_blocks));
    at = std::max(at, last);
  }
  if (at < n_blocks) rest.emplace_back(at, n_blocks);
  std::uint64_t count = 0;
  for (const auto& [first, last] : rest) count += last - first;
  const auto [lo, hi] = partition::blocks_of_rank(count, rank, size);
  std::vector<Span> mine;
  std::uint64_t seen = 0;
  for (const auto& [first, last] : rest) {
    const std::uint64_t n = last - first, a = std::max(lo, seen), b = std::min(hi, seen + n);
    if (a < b) mine.emplace_back(first + a - seen, first + b - seen);
    seen += n;
  }
  return mine;
}

/// A row's measure states as one string (each measure's bytes), "" when none keeps any.
std::string save_measures(const Batch& batch, std::size_t i) {
  serial::ByteWriter out;
  bool any = false;
  out.u64(batch.measures.size());
  for (std::size_t k = 0; k < batch.measures.size(); ++k) {
    const auto saved = batch.measures[k]->save(batch.states[k][i].get());
    any = any || !saved.empty();
    out.str(saved);
  }
  return any ? std::move(out.bytes()) : std::string();
}

void merge_measures(const MeasureRun& run, const MeasureRow& row, std::string_view saved,
                    Batch& batch, std::size_t i) {
  if (saved.empty()) return;
  serial::ByteReader in(saved, "the measures' state of a checkpoint");
  if (in.u64() != batch.measures.size()) in.fail("it is of other sensitivity measures");
  for (std::size_t k = 0; k < batch.measures.size(); ++k) {
    batch.measures[k]->merge_saved(run, row, in.str(), batch.states[k][i]);
  }
}

stats::StreamingSummary load_summary(const std::string& bytes) {
  serial::ByteReader in(bytes, "the statistics' state of a checkpoint");
  auto summary = stats::StreamingSummary::load(in);
  if (!in.done()) in.fail("it has bytes after its state (damaged)");
  return summary;
}

}  // namespace

Batch run_batch(const BatchContext& context, std::vector<std::uint64_t> rows,
                const stats::Reductions& reduce, std::uint64_t& done_draws) {
  const auto& study = context.study;
  const auto& base = study.base();
  const std::uint64_t block_size = base.job().block_size, n_draws = context.n_draws;
  const std::uint64_t row_blocks = (n_draws + block_size - 1) / block_size;
  const std::size_t n_out = base.model->outputs().size();
  const auto block_rows = static_cast<Eigen::Index>(block_size);
  const mpi::Communicator* split = context.split;
  RowCheckpoint* checkpoint = context.checkpoint;
  // Whole rows are this rank's alone: rank 0 of 1 for the checkpoint's arithmetic.
  const int my_rank = split != nullptr ? split->rank() : 0;
  const int n_ranks = split != nullptr ? split->size() : 1;
  const auto owns = [&](std::uint64_t row) {
    return split == nullptr || context.layout.owner(row, n_ranks) == my_rank;
  };
  Batch batch;
  batch.rows = rows;
  // A split batch resumed from the middle of its draws: the pieces' states to merge.
  std::vector<const io::SplitPiece*> resumed;
  if (checkpoint != nullptr && !context.hold) {
    resumed = checkpoint->resumed_split(rows, block_size);
  }
  const int resumed_pass = resumed.empty() ? -1 : static_cast<int>(resumed.front()->pass);
  std::vector<RowState> state;
  std::vector<stats::DatasetShape> shapes;
  const MeasureRun run{study, context.first_scenario, n_draws, *context.input_names};
  batch.measures = enabled_measures(base.job());
  batch.states.resize(batch.measures.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t s = context.first_scenario + rows[i];
    const auto& scenario = *study.scenarios[s];
    const auto [b0, b1] = context.layout.local_blocks(rows[i]);
    const auto n_in = static_cast<Eigen::Index>(scenario.inputs.size());
    RowState r{&scenario,
               std::make_unique<BlockRunner>(scenario, n_draws),
               {},
               {},
               {},
               s == study.baseline,
               models::Block(block_rows, n_in)};
    if (b1 > b0) r.layout.emplace_back(b0, b1);
    r.blocks = r.layout;
    if (resumed_pass >= 0) {
      // This pass's blocks that no piece's state covers, shared out again over these ranks;
      // rank 0 carries the merged states (and so their blocks).
      std::vector<Span> covered;
      for (const auto* piece : resumed) {
        covered.insert(covered.end(), piece->done[i].begin(), piece->done[i].end());
      }
      r.blocks = share_of_rest(row_blocks, covered, my_rank, n_ranks);
      if (my_rank == 0) r.done = covered;
    }
    // Pass 0's blocks on this rank: those the measures see.
    const auto& pass0 = resumed_pass > 0 ? std::vector<Span>{} : r.blocks;
    for (const auto& [first, last] : pass0) {
      r.local += std::min(last * block_size, n_draws) - first * block_size;
    }
    r.first = pass0.empty() ? 0 : pass0.front().first * block_size;
    const MeasureRow measure_row{scenario, *r.runner, r.first, r.local};
    for (std::size_t k = 0; k < batch.measures.size(); ++k) {
      batch.states[k].push_back(resumed_pass > 0 ? nullptr
                                                 : batch.measures[k]->start_row(run, measure_row));
    }
    for (std::size_t o = 0; o < n_out; ++o) shapes.push_back({n_draws, !r.is_baseline, r.local});
    state.push_back(std::move(r));
  }
  stats::StreamingSummary summary(shapes, base.job().quantile_levels, context.hold);
  if (resumed_pass >= 0) {
    bool loaded = false;
    for (const auto* piece : resumed) {
      if (piece->summary.empty()) continue;
      if (!loaded) {
        summary = load_summary(piece->summary);
        loaded = true;
        if (my_rank != 0) {
          summary.clear_pass();
          break;
        }
      } else {
        summary.merge(load_summary(piece->summary));
      }
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const MeasureRow measure_row{*state[i].scenario, *state[i].runner, state[i].first,
                                   state[i].local};
      if (resumed_pass == 0) {
        // Partials over other blocks: merged on rank 0.
        if (my_rank != 0) continue;
        for (const auto* piece : resumed) {
          if (!piece->measures.empty())
            merge_measures(run, measure_row, piece->measures[i], batch, i);
        }
      } else if (owns(rows[i])) {
        // Whole rows' states: on their owners.
        for (const auto* piece : resumed) {
          if (!piece->measures_complete || piece->measures.empty()) continue;
          merge_measures(run, measure_row, piece->measures[i], batch, i);
          break;
        }
      }
    }
    batch.measures_reduced = resumed_pass > 0;
  }
  // The baseline's outputs of the current block, for paired differences: computed once per
  // block, or taken from the baseline row itself when the batch holds it.
  std::unique_ptr<BlockRunner> baseline_runner;
  models::Block baseline_inputs, baseline_outputs(block_rows, static_cast<Eigen::Index>(n_out)),
      outputs(block_rows, static_cast<Eigen::Index>(n_out));
  const bool any_paired =
      std::any_of(state.begin(), state.end(), [](const RowState& r) { return !r.is_baseline; });
  if (any_paired) {
    baseline_runner = std::make_unique<BlockRunner>(base, n_draws);
    baseline_inputs.resize(block_rows, static_cast<Eigen::Index>(base.inputs.size()));
  }
  // The baseline row first in every block, so that its outputs pair the others'.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < state.size(); ++i) {
    if (state[i].is_baseline)
      order.insert(order.begin(), i);
    else
      order.push_back(i);
  }
  // Checkpoints inside the batch: its draws regenerated (held draws are not saved).
  const bool agree =
      checkpoint != nullptr && checkpoint->enabled() && summary.can_save() && context.save_split;
  bool resuming = resumed_pass >= 0;
  while (summary.needs_pass()) {
    const int pass = summary.pass();
    const bool first_pass = pass == 0;
    if (!resuming) {
      for (auto& r : state) {
        r.blocks = r.layout;
        r.done.clear();
      }
    }
    resuming = false;
    std::vector<std::uint64_t> blocks;
    for (const auto& r : state) {
      for (const auto& [first, last] : r.blocks) {
        for (std::uint64_t b = first; b < last; ++b) blocks.push_back(b);
      }
    }
    std::sort(blocks.begin(), blocks.end());
    blocks.erase(std::unique(blocks.begin(), blocks.end()), blocks.end());
    // Every rank agrees at the same block counts: up to the fewest blocks any rank has. A
    // rank's own rows need no agreement: it looks at every block.
    const std::size_t every = split != nullptr ? kAgreeEvery : 1;
    mpi::Communicator::PendingMax agreement;
    std::size_t agreed_until = 0;
    if (agree) {
      std::vector<double> fewest{static_cast<double>(blocks.size())};
      if (split != nullptr) split->min(fewest);
      agreed_until = static_cast<std::size_t>(fewest[0]);
    }
    for (std::size_t j = 0; j < blocks.size(); ++j) {
      if (agree && j > 0 && j % every == 0 && j < agreed_until) {
        // This point's flags; across ranks, the previous point's maximum is acted on here (the
        // first point of a pass starts the exchange), so no rank waits for a slower one.
        std::vector<double> flags{static_cast<double>(pending_signal()),
                                  my_rank == 0 && checkpoint->due() ? 1.0 : 0.0};
        std::vector<double> decided = flags;
        if (split != nullptr) {
          decided = agreement.pending() ? split->finish(agreement) : std::vector<double>{0, 0};
        }
        if (decided[0] != 0 || decided[1] != 0) {
          io::SplitPiece piece;
          piece.block_size = block_size;
          piece.rows = batch.rows;
          piece.pass = static_cast<std::uint64_t>(pass);
          serial::ByteWriter out;
          summary.save(out);
          piece.summary = std::move(out.bytes());
          bool owns_all = true;
          for (std::size_t i = 0; i < state.size(); ++i) {
            piece.done.push_back(state[i].done);
            piece.measures.push_back(save_measures(batch, i));
            owns_all = owns_all && owns(rows[i]);
          }
          piece.measures_complete = pass > 0 && owns_all;
          const int signal = static_cast<int>(decided[0]);
          context.save_split(std::move(piece), signal == 0);
          if (signal != 0) {
            const std::uint64_t total = context.meter != nullptr ? context.meter->total() : 0;
            throw Interrupted(signal, done_draws * static_cast<std::uint64_t>(context.ranks),
                              total);
          }
          flags[1] = 0;  // just written
        }
        if (split != nullptr) split->start_max(agreement, flags);
      }
      const std::uint64_t b = blocks[j];
      const std::uint64_t draw = b * block_size;
      const auto n = static_cast<Eigen::Index>(std::min(block_size, n_draws - draw));
      bool have_baseline = false;
      std::uint64_t fed = 0;
      for (const std::size_t i : order) {
        auto& r = state[i];
        if (!holds(r.blocks, b)) continue;
        auto in = r.inputs.topRows(n);
        auto out = r.is_baseline ? baseline_outputs.topRows(n) : outputs.topRows(n);
        if (!r.is_baseline && !have_baseline) {
          baseline_runner->run(draw, baseline_inputs.topRows(n), baseline_outputs.topRows(n));
          have_baseline = true;
        }
        r.runner->run(draw, in, out);
        if (r.is_baseline) have_baseline = true;
        for (std::size_t o = 0; o < n_out; ++o) {
          const auto c = static_cast<Eigen::Index>(o);
          summary.add(i * n_out + o, out.col(c).data(),
                      r.is_baseline ? nullptr : baseline_outputs.col(c).data(),
                      static_cast<std::size_t>(n));
        }
        add_to(r.done, b);
        fed += static_cast<std::uint64_t>(n);
        if (!first_pass) continue;
        for (std::size_t k = 0; k < batch.measures.size(); ++k) {
          auto* kept = batch.states[k][i].get();
          if (kept == nullptr) continue;
          batch.measures[k]->add_block(run, {*r.scenario, *r.runner, r.first, r.local}, draw, in,
                                       out, *kept);
        }
        if (context.samples != nullptr) (*context.samples)(batch.rows[i], draw, in, out);
      }
      done_draws += fed;
      if (context.meter != nullptr) {
        context.meter->update(done_draws * static_cast<std::uint64_t>(context.ranks), !agree);
      }
    }
    // The last point's exchange, unread: a signal in it is seen at the next point or after the
    // batch, a due interval at the next point.
    if (agreement.pending()) split->finish(agreement);
    summary.end_pass(reduce);
    // A split batch's measures are combined on the rows' owners once pass 0 is complete.
    if (first_pass && split != nullptr && !batch.measures_reduced) {
      std::vector<int> owners;
      for (const auto row : rows) owners.push_back(context.layout.owner(row, split->size()));
      for (std::size_t k = 0; k < batch.measures.size(); ++k) {
        batch.measures[k]->reduce(run, rows, owners, batch.states[k], *split);
      }
      batch.measures_reduced = true;
    }
  }
  batch.summaries = summary.results();
  return batch;
}

}  // namespace costsweep::driver::detail
