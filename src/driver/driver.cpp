#include "driver/driver.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <map>

#include "driver/block_runner.hpp"
#include "driver/progress.hpp"
#include "driver/rank_rows.hpp"
#include "driver/scenario_stats.hpp"
#include "driver/tornado.hpp"
#include "io/result_writer.hpp"

namespace costsweep::driver {

BlockRange blocks_of_rank(std::uint64_t n_blocks, int rank, int size) noexcept {
  const auto r = static_cast<std::uint64_t>(rank), s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_blocks / s, extra = n_blocks % s;
  const std::uint64_t first = r * base + std::min(r, extra);
  return {first, first + base + (r < extra ? 1 : 0)};
}

namespace {

/// The rank whose range blocks_of_rank(n_tasks, rank, size) holds task.
int rank_of_task(std::uint64_t task, std::uint64_t n_tasks, int size) noexcept {
  const auto s = static_cast<std::uint64_t>(size);
  const std::uint64_t base = n_tasks / s, extra = n_tasks % s;
  if (task < extra * (base + 1)) return static_cast<int>(task / (base + 1));
  return static_cast<int>(extra + (task - extra * (base + 1)) / base);
}

/// Work = rows x blocks, cut into contiguous runs of tasks, one per rank. With many scenarios
/// the tasks are numbered row-major, so a row lies whole on one rank or is split between
/// consecutive ranks (at most size - 1 are), and its statistics need no communication. With
/// fewer rows than 4 per rank they are numbered block-major instead: every rank then holds the
/// same stretch of draws of every row, so the baseline's blocks it pairs with are its own, and
/// every row is reduced across ranks.
struct Layout {
  std::uint64_t rows, blocks, first_task, last_task;
  bool block_major;
  std::vector<std::uint64_t> split_rows;  ///< the same on every rank
  std::uint64_t owned_first, owned_last;  ///< rows whose first block is this rank's

  Layout(std::uint64_t n_rows, std::uint64_t n_blocks, int rank, int size)
      : rows(n_rows),
        blocks(n_blocks),
        block_major(size > 1 && n_rows < 4 * static_cast<std::uint64_t>(size)) {
    const auto mine = blocks_of_rank(rows * blocks, rank, size);
    first_task = mine.first;
    last_task = mine.last;
    if (block_major) {
      for (std::uint64_t r = 0; r < rows; ++r) split_rows.push_back(r);
      owned_first = std::min(first_task, rows);
      owned_last = std::min(last_task, rows);
      return;
    }
    for (int r = 1; r < size; ++r) {
      const auto t = blocks_of_rank(rows * blocks, r, size).first;
      if (t % blocks != 0 && t < rows * blocks &&
          (split_rows.empty() || split_rows.back() != t / blocks)) {
        split_rows.push_back(t / blocks);
      }
    }
    owned_first = (first_task + blocks - 1) / blocks;
    owned_last = std::max(owned_first, (last_task + blocks - 1) / blocks);
  }
  /// The rank that writes row's summary: the one holding its first block.
  int owner(std::uint64_t row, int size) const {
    return rank_of_task(block_major ? row : row * blocks, rows * blocks, size);
  }
  bool is_split(std::uint64_t row) const {
    return std::binary_search(split_rows.begin(), split_rows.end(), row);
  }
  /// This rank's blocks [first, last) of row.
  std::pair<std::uint64_t, std::uint64_t> local_blocks(std::uint64_t row) const {
    if (block_major) {  // task = block * rows + row
      const auto from = [&](std::uint64_t t) { return t <= row ? 0 : (t - row + rows - 1) / rows; };
      return {std::min(from(first_task), blocks), std::min(from(last_task), blocks)};
    }
    const std::uint64_t start = row * blocks;  // task = row * blocks + block
    const auto clamp = [&](std::uint64_t t) {
      return t <= start ? 0 : std::min(t - start, blocks);
    };
    return {clamp(first_task), clamp(last_task)};
  }
};

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

/// Evaluates this rank's tasks: one piece per row it touches.
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

Reductions across_ranks(const Communicator& comm) {
  return {[&comm](std::vector<std::int64_t>& v) { comm.sum(v); },
          [&comm](std::vector<double>& v) { comm.min(v); },
          [&comm](std::vector<double>& v) { comm.max(v); },
          [&comm](std::vector<std::uint64_t>& v) { comm.sum(v); }};
}

/// Appends the Sobol indices of every piece (per output, per group) to rows. With comm, the
/// pieces are split rows: their accumulators are summed across ranks first (a fixed number of
/// reductions whatever the pieces).
void add_sobol_rows(const std::vector<const Piece*>& pieces, std::size_t n_out,
                    std::size_t n_groups, const Communicator* comm, io::SummaryRows& rows) {
  std::vector<stats::SobolAccumulator> merged;
  if (comm != nullptr) {
    std::vector<std::int64_t> packed;
    for (const auto* piece : pieces) {
      for (std::size_t o = 0; o < n_out; ++o) {
        const auto state = piece->sobol.empty() ? stats::SobolAccumulator(n_groups, 0.0).state()
                                                : piece->sobol[o].state();
        packed.insert(packed.end(), state.begin(), state.end());
      }
    }
    comm->sum(packed);
    const std::size_t size = stats::SobolAccumulator(n_groups, 0.0).state().size();
    for (std::size_t k = 0; k < pieces.size() * n_out; ++k) {
      merged.push_back(stats::SobolAccumulator::from_state(
          n_groups, 0.0, std::span<const std::int64_t>(packed.data() + k * size, size)));
    }
  } else {
    for (const auto* piece : pieces)
      merged.insert(merged.end(), piece->sobol.begin(), piece->sobol.end());
  }
  for (const auto& accumulator : merged) {
    const auto e = accumulator.estimate();
    rows.sobol_first.insert(rows.sobol_first.end(), e.first.begin(), e.first.end());
    rows.sobol_first_halfwidth.insert(rows.sobol_first_halfwidth.end(), e.first_halfwidth.begin(),
                                      e.first_halfwidth.end());
    rows.sobol_total.insert(rows.sobol_total.end(), e.total.begin(), e.total.end());
    rows.sobol_total_halfwidth.insert(rows.sobol_total_halfwidth.end(), e.total_halfwidth.begin(),
                                      e.total_halfwidth.end());
  }
}

/// The summary rows this rank owns, in row order; throws on every rank if any draw is NaN.
io::SummaryRows summarise_owned(const study::StudyPlan& plan, std::size_t first_scenario,
                                const Layout& layout, const std::vector<Piece>& pieces,
                                const Communicator& comm) {
  const auto& base = plan.base();
  const std::size_t n_out = base.model->outputs().size();
  std::vector<const Piece*> whole, split(layout.split_rows.size(), nullptr);
  Piece empty;
  empty.outputs.resize(0, static_cast<Eigen::Index>(n_out));
  empty.baseline.resize(0, static_cast<Eigen::Index>(n_out));
  for (const auto& piece : pieces) {
    if (!layout.is_split(piece.row)) {
      whole.push_back(&piece);
      continue;
    }
    const auto at = std::lower_bound(layout.split_rows.begin(), layout.split_rows.end(), piece.row);
    split[static_cast<std::size_t>(at - layout.split_rows.begin())] = &piece;
  }
  for (auto& p : split) p = p != nullptr ? p : &empty;
  std::vector<std::int64_t> nan_whole, nan_split;
  // Whole rows need no communication: summarise them a few at a time, which bounds the
  // selection's histograms (4096 counts per row and output) when a rank holds many scenarios.
  constexpr std::size_t kRowsAtOnce = 16;
  io::SummaryRows rows_whole;
  for (std::size_t i = 0; i < whole.size(); i += kRowsAtOnce) {
    const auto end = std::min(whole.size(), i + kRowsAtOnce);
    const std::vector<const Piece*> some(whole.begin() + static_cast<std::ptrdiff_t>(i),
                                         whole.begin() + static_cast<std::ptrdiff_t>(end));
    std::vector<std::int64_t> nan;
    rows_whole.append(
        summarise(some, n_out, base.n_draws, base.quantile_levels, local_reductions(), nan));
    nan_whole.insert(nan_whole.end(), nan.begin(), nan.end());
  }
  auto rows_split =
      summarise(split, n_out, base.n_draws, base.quantile_levels, across_ranks(comm), nan_split);
  const std::size_t n_groups = base.sensitivity.sobol ? base.sensitivity.groups.size() : 0;
  if (base.sensitivity.sobol) {
    add_sobol_rows(whole, n_out, n_groups, nullptr, rows_whole);
    add_sobol_rows(split, n_out, n_groups, &comm, rows_split);
  }
  std::string nan_message;
  for (std::size_t i = 0; i < nan_whole.size() && nan_message.empty(); ++i) {
    if (nan_whole[i] > 0) {
      nan_message = "cannot summarise output '" + base.model->outputs()[i % n_out].name +
                    "' of scenario '" +
                    plan.scenario_names[first_scenario + whole[i / n_out]->row] +
                    "': the model returned NaN for " + std::to_string(nan_whole[i]) + " draws";
    }
  }
  for (std::size_t i = 0; i < nan_split.size() && nan_message.empty(); ++i) {
    if (nan_split[i] > 0) {
      nan_message = "cannot summarise output '" + base.model->outputs()[i % n_out].name +
                    "' of scenario '" +
                    plan.scenario_names[first_scenario + layout.split_rows[i / n_out]] +
                    "': the model returned NaN for " + std::to_string(nan_split[i]) + " draws";
    }
  }
  if (!comm.all(nan_message.empty())) {
    throw RuntimeError(
        (nan_message.empty() ? "another rank found NaN model outputs" : nan_message) +
        " (check the input distributions) [" + base.job_path + "]");
  }
  // Owned rows in row order: whole rows from this rank's pieces, split rows from the reduction.
  io::SummaryRows owned;
  std::size_t w = 0;
  const auto select_row = [&](const io::SummaryRows& from, std::size_t i) {
    io::SummaryRows one;
    const std::size_t n_q = base.quantile_levels.size();
    const auto cut = [&](const auto& v, std::size_t per) {
      return std::vector<typename std::decay_t<decltype(v)>::value_type>(
          v.begin() + static_cast<std::ptrdiff_t>(i * per),
          v.begin() + static_cast<std::ptrdiff_t>((i + 1) * per));
    };
    one.count = cut(from.count, n_out);
    one.mean = cut(from.mean, n_out);
    one.sd = cut(from.sd, n_out);
    one.se = cut(from.se, n_out);
    one.min = cut(from.min, n_out);
    one.max = cut(from.max, n_out);
    one.quantiles = cut(from.quantiles, n_out * n_q);
    one.diff_mean = cut(from.diff_mean, n_out);
    one.diff_se = cut(from.diff_se, n_out);
    one.sobol_first = cut(from.sobol_first, n_out * n_groups);
    one.sobol_first_halfwidth = cut(from.sobol_first_halfwidth, n_out * n_groups);
    one.sobol_total = cut(from.sobol_total, n_out * n_groups);
    one.sobol_total_halfwidth = cut(from.sobol_total_halfwidth, n_out * n_groups);
    owned.append(one);
  };
  for (std::uint64_t row = layout.owned_first; row < layout.owned_last; ++row) {
    if (layout.is_split(row)) {
      const auto at = std::lower_bound(layout.split_rows.begin(), layout.split_rows.end(), row);
      select_row(rows_split, static_cast<std::size_t>(at - layout.split_rows.begin()));
    } else {
      while (whole[w]->row != row) ++w;
      select_row(rows_whole, w);
    }
  }
  return owned;
}

std::string iso_time(double unix_seconds) {
  const auto seconds = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

/// Every input name of every scenario of the job, in order of first appearance.
std::vector<std::string> input_union(const study::StudyPlan& plan) {
  std::vector<std::string> names;
  for (const auto& scenario : plan.scenarios) {
    for (const auto& in : scenario->inputs) {
      if (std::find(names.begin(), names.end(), in.name) == names.end()) names.push_back(in.name);
    }
  }
  return names;
}

void write_samples(io::ResultWriter& writer, const study::StudyPlan& plan, std::size_t first,
                   std::uint64_t n_rows, const std::vector<Piece>& pieces) {
  const auto& base = plan.base();
  const auto names = input_union(plan);
  // Inputs go into the columns of the job's input list; NaN where a scenario draws no such input.
  std::vector<models::Block> inputs_by_name;
  std::vector<io::SamplePiece> outputs, inputs;
  for (const auto& piece : pieces) {
    const auto& own = plan.scenarios[first + piece.row]->inputs;
    auto& block =
        inputs_by_name.emplace_back(piece.inputs.rows(), static_cast<Eigen::Index>(names.size()));
    block.setConstant(std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < own.size(); ++i) {
      const auto at = std::find(names.begin(), names.end(), own[i].name) - names.begin();
      block.col(at) = piece.inputs.col(static_cast<Eigen::Index>(i));
    }
  }
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    outputs.push_back({pieces[i].row, pieces[i].first_draw, &pieces[i].outputs});
    inputs.push_back({pieces[i].row, pieces[i].first_draw, &inputs_by_name[i]});
  }
  writer.create_samples("outputs", n_rows, base.model->outputs().size(), base.n_draws);
  writer.write_samples("outputs", outputs);
  writer.create_samples("inputs", n_rows, names.size(), base.n_draws);
  writer.write_samples("inputs", inputs);
}

/// Appends the rank measures of the rows this rank owns to owned (whose other arrays hold those
/// rows in row order). Whole rows use the draws this rank holds; each split row's first draws
/// are gathered onto its owner (one collective gather per split row).
void add_rank_rows(const study::StudyPlan& plan, std::size_t first_scenario, const Layout& layout,
                   const std::vector<Piece>& pieces, const Communicator& comm,
                   io::SummaryRows& owned) {
  const auto& base = plan.base();
  const std::uint64_t m = std::min(base.n_draws, base.sensitivity.rank_draws);
  const auto names = input_union(plan);
  const auto piece_of = [&](std::uint64_t row) -> const Piece* {
    const auto it = std::lower_bound(pieces.begin(), pieces.end(), row,
                                     [](const Piece& p, std::uint64_t r) { return p.row < r; });
    return it != pieces.end() && it->row == row ? &*it : nullptr;
  };
  std::map<std::uint64_t, std::pair<models::Block, models::Block>> gathered;
  for (const auto row : layout.split_rows) {
    const auto& study = *plan.scenarios[first_scenario + row];
    const int owner = layout.owner(row, comm.size());
    auto data = gather_first_draws(comm, owner, piece_of(row), m, study.inputs.size(),
                                   study.model->outputs().size());
    if (owner == comm.rank()) gathered.emplace(row, std::move(data));
  }
  const auto rows = static_cast<Eigen::Index>(m);
  for (std::uint64_t row = layout.owned_first; row < layout.owned_last; ++row) {
    const auto& study = *plan.scenarios[first_scenario + row];
    if (layout.is_split(row)) {
      const auto& [inputs, outputs] = gathered.at(row);
      append_rank_row(study, names, inputs, outputs, owned);
    } else {
      const Piece& piece = *piece_of(row);
      append_rank_row(study, names, piece.inputs.topRows(rows), piece.outputs.topRows(rows), owned);
    }
  }
}

/// One pass over the job: this rank's tasks evaluated and its rows summarised.
struct Round {
  Layout layout;
  std::vector<Piece> pieces;
  io::SummaryRows owned;
};

Round run_round(const study::StudyPlan& plan, const study::ShardRange& shard,
                const Communicator& comm, bool progress) {
  const auto& base = plan.base();
  Round round{Layout(shard.last - shard.first, base.n_blocks(), comm.rank(), comm.size()), {}, {}};
  round.pieces = evaluate(plan, shard.first, round.layout, comm, progress);
  round.owned = summarise_owned(plan, shard.first, round.layout, round.pieces, comm);
  if (base.sensitivity.rank) {
    add_rank_rows(plan, shard.first, round.layout, round.pieces, comm, round.owned);
  }
  return round;
}

/// A copy of plan whose scenarios draw n_draws (the stopping rule's later rounds).
study::StudyPlan with_draws(const study::StudyPlan& plan, std::uint64_t n_draws) {
  study::StudyPlan grown = plan;
  for (auto& scenario : grown.scenarios) {
    auto copy = std::make_shared<study::Study>(*scenario);
    copy->n_draws = n_draws;
    copy->settings["job.draws"] = std::to_string(n_draws);
    scenario = copy;
  }
  return grown;
}

/// The largest Sobol half-width of rows, ignoring indices that are NaN (outputs without
/// variance); +inf when a defined index has no finite half-width.
double largest_halfwidth(const io::SummaryRows& rows) {
  double largest = 0;
  for (const auto& [index, halfwidth] :
       {std::pair{&rows.sobol_first, &rows.sobol_first_halfwidth},
        std::pair{&rows.sobol_total, &rows.sobol_total_halfwidth}}) {
    for (std::size_t i = 0; i < index->size(); ++i) {
      if (std::isnan((*index)[i])) continue;
      const double h = (*halfwidth)[i];
      largest = std::max(largest, std::isfinite(h) ? h : std::numeric_limits<double>::infinity());
    }
  }
  return largest;
}

std::string format_halfwidth(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

}  // namespace

io::ResultHeader result_header(const study::StudyPlan& plan, std::size_t first, std::size_t last) {
  io::ResultHeader h;
  const auto& base = plan.base();
  h.axis_keys = plan.axis_keys;
  h.baseline = static_cast<std::int64_t>(plan.baseline);
  h.first_scenario = static_cast<std::int64_t>(first);
  h.total_scenarios = static_cast<std::int64_t>(plan.size());
  for (const auto& out : base.model->outputs()) {
    h.output_names.push_back(out.name);
    h.output_units.push_back(out.unit);
    h.output_descriptions.push_back(out.description);
  }
  // Inputs of every scenario of the job (not just these), so shards and a whole run agree.
  h.input_names = input_union(plan);
  for (std::size_t s = first; s < last; ++s) {
    h.scenario_names.push_back(plan.scenario_names[s]);
    h.value_text.push_back(plan.value_text[s]);
    h.value_label.push_back(plan.value_label[s]);
    std::vector<std::string> specs(h.input_names.size());
    for (const auto& in : plan.scenarios[s]->inputs) {
      specs[static_cast<std::size_t>(
          std::find(h.input_names.begin(), h.input_names.end(), in.name) - h.input_names.begin())] =
          in.spec;
    }
    h.input_specs.push_back(specs);
  }
  h.quantile_levels = base.quantile_levels;
  if (base.sensitivity.sobol) {
    for (const auto& group : base.sensitivity.groups) h.sobol_groups.push_back(group.name);
  }
  if (base.sensitivity.rank) h.rank_draws = std::min(base.n_draws, base.sensitivity.rank_draws);
  if (base.sensitivity.tornado) {
    h.tornado.low_level = base.sensitivity.tornado_low;
    h.tornado.high_level = base.sensitivity.tornado_high;
    for (const auto& group : base.sensitivity.groups) h.tornado.groups.push_back(group.name);
    for (std::size_t s = first; s < last; ++s) add_tornado_rows(*plan.scenarios[s], h.tornado);
  }
  return h;
}

io::Provenance run_provenance(const study::StudyPlan& plan, const RunOptions& options, int ranks,
                              double start_unix_seconds, double wall_seconds) {
  const auto& study = plan.base();
  io::Provenance p = options.extra_provenance;
  p["job_path"] = study.job_path;
  p["job_text"] = study.job_text;
  p["job_sha256"] = study.job_sha256;
  std::string settings;
  for (const auto& [key, value] : study.settings) settings += key + " = " + value + "\n";
  p["settings"] = settings;
  for (const auto& file : study.data_files) {
    p["data." + file.key + ".path"] = file.path;
    p["data." + file.key + ".sha256"] = file.sha256;
    p["data." + file.key + ".text"] = file.text;
  }
  p["title"] = study.title;
  p["model"] = study.model_name;
  p["seed"] = study.seed;
  p["draws"] = study.n_draws;
  p["block_size"] = study.block_size;
  p["scenarios"] = static_cast<std::uint64_t>(plan.size());
  p["grid_mode"] = plan.mode;
  p["common_random_numbers"] = std::string(plan.common_random_numbers ? "yes" : "no");
  p["shard"] = std::to_string(options.shard_index) + "/" + std::to_string(options.shard_count);
  p["ranks"] = static_cast<std::int64_t>(ranks);
  p["start_time"] = iso_time(start_unix_seconds);
  p["end_time"] = iso_time(start_unix_seconds + wall_seconds);
  p["wall_seconds"] = wall_seconds;
  return p;
}

RunReport run(const study::StudyPlan& plan, const Communicator& comm, const RunOptions& options) {
  // Rank 0's clock is the run's clock; every rank writes the same attributes.
  const double start = comm.broadcast(
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  const auto t0 = std::chrono::steady_clock::now();
  const auto shard = study::shard_range(plan.size(), options.shard_index, options.shard_count);
  io::ResultWriter writer(comm.get(), plan.base().output_path);
  // The stopping rule doubles the draws and runs again until every Sobol half-width is small
  // enough: the draws of a round are the first draws of the next (same streams), so the file
  // equals a plain run at the final draws, and the rounds cost at most twice the last one.
  const auto& rule = plan.base().sensitivity;
  const study::StudyPlan* active = &plan;
  study::StudyPlan grown;
  auto round = run_round(*active, shard, comm, options.show_progress);
  std::string stopping, rounds = std::to_string(plan.base().n_draws);
  while (rule.target_halfwidth > 0) {
    // Every rank's rows must be within the target: the largest half-width across ranks.
    std::vector<double> largest{largest_halfwidth(round.owned)};
    comm.max(largest);
    const std::uint64_t n = active->base().n_draws;
    if (largest[0] <= rule.target_halfwidth || 2 * n > rule.max_draws) {
      const bool reached = largest[0] <= rule.target_halfwidth;
      stopping = "target_halfwidth " + format_halfwidth(rule.target_halfwidth) +
                 (reached ? " reached"
                          : " not reached (max_draws " + std::to_string(rule.max_draws) + ")") +
                 " at " + std::to_string(n) + " draws: largest half-width " +
                 format_halfwidth(largest[0]) + "; rounds " + rounds;
      if (!reached && comm.rank() == 0)
        std::fprintf(stderr, "costsweep: warning: %s\n", stopping.c_str());
      break;
    }
    if (options.show_progress && comm.rank() == 0) {
      std::fprintf(
          stderr, "costsweep: largest Sobol half-width %s > %s at %llu draws: %llu draws\n",
          format_halfwidth(largest[0]).c_str(), format_halfwidth(rule.target_halfwidth).c_str(),
          static_cast<unsigned long long>(n), static_cast<unsigned long long>(2 * n));
    }
    round = Round{round.layout, {}, {}};  // frees this round's draws before the next
    grown = with_draws(plan, 2 * n);
    active = &grown;
    rounds += " " + std::to_string(2 * n);
    round = run_round(*active, shard, comm, options.show_progress);
  }
  const auto& base = active->base();
  const auto& layout = round.layout;
  writer.write_summary({layout.rows, base.model->outputs().size(), base.quantile_levels.size(),
                        base.sensitivity.sobol ? base.sensitivity.groups.size() : 0,
                        base.sensitivity.rank ? input_union(*active).size() : 0},
                       layout.owned_first, round.owned);
  if (base.save_samples) write_samples(writer, *active, shard.first, layout.rows, round.pieces);
  RunReport report;
  report.n_draws = base.n_draws;
  report.wall_seconds =
      comm.broadcast(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  auto provenance = run_provenance(*active, options, comm.size(), start, report.wall_seconds);
  if (!stopping.empty()) provenance["stopping"] = stopping;
  writer.finish(result_header(*active, shard.first, shard.last), provenance);
  return report;
}

}  // namespace costsweep::driver
