#include "driver/detail/evaluate.hpp"

#include <algorithm>

#include "driver/block_runner.hpp"
#include "driver/measures/measure.hpp"

namespace costsweep::driver::detail {
namespace {

/// One row of a batch: its study, runner, this rank's blocks and what it keeps.
struct RowState {
  const study::Scenario* scenario;
  std::unique_ptr<BlockRunner> runner;
  std::uint64_t b0, b1;
  bool is_baseline;
  models::Block inputs;     ///< scratch for one block
  std::uint64_t local = 0;  ///< draws of the row on this rank
};

}  // namespace

Batch run_batch(const BatchContext& context, std::vector<std::uint64_t> rows,
                const stats::Reductions& reduce, std::uint64_t& done_draws) {
  const auto& study = context.study;
  const auto& base = study.base();
  const std::uint64_t block_size = base.job().block_size, n_draws = context.n_draws;
  const std::size_t n_out = base.model->outputs().size();
  const auto block_rows = static_cast<Eigen::Index>(block_size);
  Batch batch;
  batch.rows = rows;
  std::vector<RowState> state;
  std::vector<stats::DatasetShape> shapes;
  std::uint64_t first_block = ~std::uint64_t{0}, last_block = 0;
  const MeasureRun run{study, context.first_scenario, n_draws, *context.input_names};
  batch.measures = enabled_measures(base.job());
  batch.states.resize(batch.measures.size());
  for (const auto row : rows) {
    const std::size_t s = context.first_scenario + row;
    const auto& scenario = *study.scenarios[s];
    const auto [b0, b1] = context.layout.local_blocks(row);
    const auto n_in = static_cast<Eigen::Index>(scenario.inputs.size());
    RowState r{&scenario,
               std::make_unique<BlockRunner>(scenario, n_draws),
               b0,
               b1,
               s == study.baseline,
               models::Block(block_rows, n_in)};
    const std::uint64_t first = b0 * block_size;
    const std::uint64_t local = b1 > b0 ? std::min(b1 * block_size, n_draws) - first : 0;
    r.local = local;
    const MeasureRow measure_row{scenario, *r.runner, first, local};
    for (std::size_t k = 0; k < batch.measures.size(); ++k) {
      batch.states[k].push_back(batch.measures[k]->start_row(run, measure_row));
    }
    for (std::size_t o = 0; o < n_out; ++o) shapes.push_back({n_draws, !r.is_baseline, local});
    if (b1 > b0) {
      first_block = std::min(first_block, b0);
      last_block = std::max(last_block, b1);
    }
    state.push_back(std::move(r));
  }
  stats::StreamingSummary summary(shapes, base.job().quantile_levels, context.hold);
  // The baseline's outputs of the current block, for paired differences: computed once per
  // block, or taken from the baseline row itself when the batch holds it.
  std::unique_ptr<BlockRunner> baseline_runner;
  models::Block baseline_inputs, baseline_outputs(block_rows, static_cast<Eigen::Index>(n_out)),
      outputs(block_rows, static_cast<Eigen::Index>(n_out));
  const bool any_paired = std::any_of(
      state.begin(), state.end(), [](const RowState& r) { return !r.is_baseline && r.b1 > r.b0; });
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
  while (summary.needs_pass()) {
    const bool first_pass = summary.pass() == 0;
    for (std::uint64_t b = first_block; b < last_block; ++b) {
      const std::uint64_t draw = b * block_size;
      const auto n = static_cast<Eigen::Index>(std::min(block_size, n_draws - draw));
      bool have_baseline = false;
      for (const std::size_t i : order) {
        auto& r = state[i];
        if (b < r.b0 || b >= r.b1) continue;
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
        if (!first_pass) continue;
        for (std::size_t k = 0; k < batch.measures.size(); ++k) {
          auto* kept = batch.states[k][i].get();
          if (kept == nullptr) continue;
          batch.measures[k]->add_block(run, {*r.scenario, *r.runner, r.b0 * block_size, r.local},
                                       draw, in, out, *kept);
        }
        if (context.samples != nullptr) (*context.samples)(batch.rows[i], draw, in, out);
      }
      done_draws += static_cast<std::uint64_t>(n) *
                    static_cast<std::uint64_t>(
                        std::count_if(state.begin(), state.end(),
                                      [b](const RowState& r) { return b >= r.b0 && b < r.b1; }));
      if (context.meter != nullptr) {
        context.meter->update(done_draws * static_cast<std::uint64_t>(context.ranks));
      }
    }
    summary.end_pass(reduce);
  }
  batch.summaries = summary.results();
  return batch;
}

}  // namespace costsweep::driver::detail
