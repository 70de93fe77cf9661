#include "driver/detail/evaluate.hpp"

#include <algorithm>
#include <map>

#include "driver/block_runner.hpp"
#include "driver/progress.hpp"

namespace costsweep::driver::detail {
namespace {

/// The baseline scenario's outputs per block, computed once per rank for every row that needs
/// them (paired differences on the same draws).
class BaselineBlocks {
 public:
  explicit BaselineBlocks(const study::Study& base) : base_(base), runner_(base) {}
  const models::Block& block(std::uint64_t b) {
    auto it = cache_.find(b);
    if (it != cache_.end()) return it->second;
    const std::uint64_t first = b * base_.block_size;
    const auto rows = static_cast<Eigen::Index>(std::min(base_.block_size, base_.n_draws - first));
    models::Block inputs(rows, static_cast<Eigen::Index>(base_.inputs.size()));
    models::Block outputs(rows, static_cast<Eigen::Index>(base_.model->outputs().size()));
    runner_.run(first, inputs, outputs);
    return cache_.emplace(b, std::move(outputs)).first->second;
  }
  /// Keeps a block this rank computed as part of the baseline scenario itself.
  void keep(std::uint64_t b, const Eigen::Ref<const models::Block>& outputs) {
    cache_.emplace(b, outputs);
  }

 private:
  const study::Study& base_;
  BlockRunner runner_;
  std::map<std::uint64_t, models::Block> cache_;
};

/// The pick-freeze evaluations of one block for Sobol indices: matrix B, and A with each group's
/// columns taken from B, added to the piece's accumulators (f_a: this block's outputs of A).
void add_sobol_block(const study::Study& study, BlockRunner& runner, std::uint64_t first_draw,
                     const Eigen::Ref<const models::Block>& inputs_a,
                     const Eigen::Ref<const models::Block>& f_a, Piece& piece) {
  const auto rows = inputs_a.rows(), n_out = f_a.cols();
  const auto& groups = study.sensitivity.groups;
  models::Block inputs_b(rows, inputs_a.cols()), f_b(rows, n_out), mixed(rows, inputs_a.cols()),
      f_mixed(rows, n_out);
  runner.draw(first_draw, true, inputs_b);
  study.model->evaluate(inputs_b, f_b);
  std::vector<models::Block> f_ab(static_cast<std::size_t>(n_out),
                                  models::Block(rows, static_cast<Eigen::Index>(groups.size())));
  for (std::size_t g = 0; g < groups.size(); ++g) {
    mixed = inputs_a;
    for (const auto i : groups[g].inputs) {
      mixed.col(static_cast<Eigen::Index>(i)) = inputs_b.col(static_cast<Eigen::Index>(i));
    }
    study.model->evaluate(mixed, f_mixed);
    for (Eigen::Index o = 0; o < n_out; ++o) {
      f_ab[static_cast<std::size_t>(o)].col(static_cast<Eigen::Index>(g)) = f_mixed.col(o);
    }
  }
  for (Eigen::Index o = 0; o < n_out; ++o) {
    piece.sobol[static_cast<std::size_t>(o)].add(f_a.col(o), f_b.col(o),
                                                 f_ab[static_cast<std::size_t>(o)]);
  }
}

/// Sobol accumulators of one scenario, shifted by its outputs at draw 0 of matrix A (the same on
/// every rank, so partial sums merge).
std::vector<stats::SobolAccumulator> sobol_accumulators(const study::Study& study,
                                                        BlockRunner& runner) {
  models::Block inputs(1, static_cast<Eigen::Index>(study.inputs.size())),
      outputs(1, static_cast<Eigen::Index>(study.model->outputs().size()));
  runner.run(0, inputs, outputs);
  std::vector<stats::SobolAccumulator> accumulators;
  for (Eigen::Index o = 0; o < outputs.cols(); ++o) {
    accumulators.emplace_back(study.sensitivity.groups.size(), outputs(0, o));
  }
  return accumulators;
}

}  // namespace

std::vector<Piece> evaluate(const study::StudyPlan& plan, std::size_t first_scenario,
                            const Layout& layout, const Communicator& comm, bool progress) {
  const auto& base = plan.base();
  const bool samples = base.save_samples;
  BaselineBlocks baseline(base);
  Progress meter(layout.rows * base.n_draws, progress && comm.rank() == 0);
  std::vector<Piece> pieces;
  std::uint64_t done = 0;
  for (std::uint64_t row = 0; row < layout.rows; ++row) {
    const auto [b0, b1] = layout.local_blocks(row);
    if (b0 >= b1) continue;
    const std::size_t s = first_scenario + row;
    const auto& study = *plan.scenarios[s];
    const std::uint64_t first = b0 * base.block_size;
    const auto n = static_cast<Eigen::Index>(std::min(b1 * base.block_size, base.n_draws) - first);
    // Inputs are kept for saved samples, or for the rank measures' first draws.
    const std::uint64_t rank_draws = study.sensitivity.rank ? study.sensitivity.rank_draws : 0;
    const auto kept =
        samples ? n
                : static_cast<Eigen::Index>(std::min<std::uint64_t>(
                      static_cast<std::uint64_t>(n), rank_draws > first ? rank_draws - first : 0));
    Piece piece{row,
                first,
                models::Block(n, static_cast<Eigen::Index>(study.model->outputs().size())),
                models::Block(kept, static_cast<Eigen::Index>(study.inputs.size())),
                models::Block(),
                false,
                {}};
    BlockRunner runner(study);
    if (study.sensitivity.sobol) piece.sobol = sobol_accumulators(study, runner);
    models::Block scratch(static_cast<Eigen::Index>(base.block_size),
                          static_cast<Eigen::Index>(study.inputs.size()));
    piece.is_baseline = s == plan.baseline;
    if (!piece.is_baseline) piece.baseline.resize(n, piece.outputs.cols());
    for (std::uint64_t b = b0; b < b1; ++b) {
      const auto at = static_cast<Eigen::Index>(b * base.block_size - first);
      const auto rows = std::min<Eigen::Index>(static_cast<Eigen::Index>(base.block_size), n - at);
      auto inputs = scratch.topRows(rows);
      auto outputs = piece.outputs.middleRows(at, rows);
      runner.run(b * base.block_size, inputs, outputs);
      if (study.sensitivity.sobol) {
        add_sobol_block(study, runner, b * base.block_size, inputs, outputs, piece);
      }
      if (at < kept) {
        const auto keep = std::min(rows, kept - at);
        piece.inputs.middleRows(at, keep) = inputs.topRows(keep);
      }
      if (piece.is_baseline) {
        baseline.keep(b, outputs);
      } else {
        piece.baseline.middleRows(at, rows) = baseline.block(b);
      }
      done += static_cast<std::uint64_t>(rows);
      // Rank 0's share times the rank count estimates the whole job's progress.
      meter.update(done * static_cast<std::uint64_t>(comm.size()));
    }
    pieces.push_back(std::move(piece));
  }
  meter.finish();
  return pieces;
}

}  // namespace costsweep::driver::detail
