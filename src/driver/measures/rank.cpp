// Rank measures (Spearman, PRCC with intervals, rank-based first-order indices) from the first
// sensitivity.rank_draws draws of each row: no extra model evaluations; each rank keeps its
// share of those draws, and a row split between ranks is gathered on its owner in rank order.
#include <algorithm>
#include <limits>

#include "core/statistics/rank_correlation.hpp"
#include "driver/measures/registry.hpp"

namespace costsweep::driver::measures {
namespace {

/// This rank's draws of a row below the measures' limit, from first_draw on.
struct KeptDraws final : MeasureState {
  std::uint64_t first_draw = 0;
  models::Block outputs, inputs;
};

/// Draws the rank measures read: the first rank_draws of each row.
std::uint64_t rank_draws(const study::Job& job, std::uint64_t n_draws) {
  return std::min(n_draws, job.sensitivity.rank_draws);
}

/// Appends to rows the rank measures of one scenario from its draws [0, m): inputs (m x the
/// study's inputs, in its order) and outputs (m x outputs), scattered over input_names (NaN
/// where the scenario draws no such input).
void append_rank_row(const study::Scenario& scenario, const std::vector<std::string>& input_names,
                     const Eigen::Ref<const models::Block>& inputs,
                     const Eigen::Ref<const models::Block>& outputs, io::SummaryRows& rows) {
  const auto measures = stats::rank_correlations(inputs, outputs);
  const std::size_t n_in = scenario.inputs.size(), n_out = static_cast<std::size_t>(outputs.cols());
  const std::size_t n_names = input_names.size();
  std::vector<std::size_t> column(n_in);
  for (std::size_t i = 0; i < n_in; ++i) {
    column[i] = static_cast<std::size_t>(
        std::find(input_names.begin(), input_names.end(), scenario.inputs[i].name()) -
        input_names.begin());
  }
  const std::pair<std::vector<double>*, const std::vector<double>*> fields[] = {
      {&rows.spearman, &measures.spearman},           {&rows.spearman_low, &measures.spearman_low},
      {&rows.spearman_high, &measures.spearman_high}, {&rows.prcc, &measures.prcc},
      {&rows.prcc_low, &measures.prcc_low},           {&rows.prcc_high, &measures.prcc_high},
      {&rows.rank_first_order, &measures.first_order}};
  for (const auto& [to, from] : fields) {
    std::vector<double> row(n_out * n_names, std::numeric_limits<double>::quiet_NaN());
    for (std::size_t o = 0; o < n_out; ++o) {
      for (std::size_t i = 0; i < n_in; ++i) row[o * n_names + column[i]] = (*from)[o * n_in + i];
    }
    to->insert(to->end(), row.begin(), row.end());
  }
}

/// Collective. The draws [0, m) of a row split across ranks, on root: each rank passes its
/// share of the row (nullptr if none), holding draws in rank order. Returns (inputs, outputs) on
/// root, empty blocks elsewhere.
std::pair<models::Block, models::Block> gather_first_draws(const mpi::Communicator& comm, int root,
                                                           const KeptDraws* piece, std::uint64_t m,
                                                           std::size_t n_inputs,
                                                           std::size_t n_outputs) {
  // This rank's draws below m, packed draw-major (each draw's inputs then outputs), so the
  // concatenation in rank order is the row's draws in order.
  const std::size_t width = n_inputs + n_outputs;
  std::vector<double> packed;
  if (piece != nullptr && piece->first_draw < m) {
    const auto rows = static_cast<Eigen::Index>(std::min<std::uint64_t>(
        static_cast<std::uint64_t>(piece->outputs.rows()), m - piece->first_draw));
    packed.reserve(static_cast<std::size_t>(rows) * width);
    for (Eigen::Index r = 0; r < rows; ++r) {
      for (Eigen::Index i = 0; i < static_cast<Eigen::Index>(n_inputs); ++i)
        packed.push_back(piece->inputs(r, i));
      for (Eigen::Index o = 0; o < static_cast<Eigen::Index>(n_outputs); ++o)
        packed.push_back(piece->outputs(r, o));
    }
  }
  const auto all = comm.gather(packed, root);
  if (comm.rank() != root) return {};
  const auto n = static_cast<Eigen::Index>(all.size() / width);
  models::Block inputs(n, static_cast<Eigen::Index>(n_inputs)),
      outputs(n, static_cast<Eigen::Index>(n_outputs));
  for (Eigen::Index r = 0; r < n; ++r) {
    const double* draw = all.data() + static_cast<std::size_t>(r) * width;
    for (Eigen::Index i = 0; i < inputs.cols(); ++i) inputs(r, i) = draw[i];
    for (Eigen::Index o = 0; o < outputs.cols(); ++o) outputs(r, o) = draw[n_inputs + o];
  }
  return {std::move(inputs), std::move(outputs)};
}

class Rank final : public Measure {
 public:
  std::string_view key() const override { return "rank"; }

  std::vector<std::string> plan_lines(const study::Scenario& base) const override {
    return {"rank       Spearman and PRCC from the first " +
            std::to_string(rank_draws(base.job(), base.job().n_draws)) + " draws"};
  }

  /// Each rank keeps the first draws of its rows (inputs and outputs); with several ranks the
  /// owner of a split row also receives the others' shares. Per summary row, the six correlation
  /// datasets of each output and input of the file.
  MeasureMemory memory(const MemoryShape& shape) const override {
    const std::uint64_t m = rank_draws(shape.study.job(), shape.n_draws);
    const std::uint64_t width = shape.n_inputs + shape.n_outputs;
    return {0,
            shape.n_outputs * 6 * shape.n_input_union * 8,
            {{"rank measures' first draws", "sensitivity.rank_draws",
              shape.batch_rows * std::min(m, shape.local_draws) * width * 8 +
                  (shape.ranks > 1 ? 2 * m * width * 8 : 0)}}};
  }

  void describe(const study::Study& study, std::size_t, std::size_t, std::uint64_t n_draws,
                io::ResultHeader& header) const override {
    header.rank_draws = rank_draws(study.job(), n_draws);
  }

  std::unique_ptr<MeasureState> start_row(const MeasureRun& run,
                                          const MeasureRow& row) const override {
    const std::uint64_t m = rank_draws(run.study.job(), run.n_draws), first = row.first_draw;
    const auto kept =
        static_cast<Eigen::Index>(std::min(row.local_draws, m > first ? m - first : 0));
    auto state = std::make_unique<KeptDraws>();
    state->first_draw = first;
    state->outputs.resize(kept, static_cast<Eigen::Index>(row.scenario.model->outputs().size()));
    state->inputs.resize(kept, static_cast<Eigen::Index>(row.scenario.inputs.size()));
    return state;
  }

  void add_block(const MeasureRun&, const MeasureRow&, std::uint64_t first_draw,
                 const Eigen::Ref<const models::Block>& inputs,
                 const Eigen::Ref<const models::Block>& outputs,
                 MeasureState& state) const override {
    auto& kept = static_cast<KeptDraws&>(state);
    const auto at = static_cast<Eigen::Index>(first_draw - kept.first_draw);
    if (at >= kept.outputs.rows()) return;
    const auto n = std::min(outputs.rows(), kept.outputs.rows() - at);
    kept.outputs.middleRows(at, n) = outputs.topRows(n);
    kept.inputs.middleRows(at, n) = inputs.topRows(n);
  }

  void reduce(const MeasureRun& run, std::span<const std::uint64_t> rows,
              std::span<const int> owners, std::vector<std::unique_ptr<MeasureState>>& states,
              const mpi::Communicator& comm) const override {
    const std::uint64_t m = rank_draws(run.study.job(), run.n_draws);
    const std::size_t n_out = run.study.base().model->outputs().size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto& scenario = *run.study.scenarios[run.first_scenario + rows[i]];
      auto [inputs, outputs] =
          gather_first_draws(comm, owners[i], static_cast<const KeptDraws*>(states[i].get()), m,
                             scenario.inputs.size(), n_out);
      if (owners[i] != comm.rank()) continue;
      auto whole = std::make_unique<KeptDraws>();
      whole->inputs = std::move(inputs);
      whole->outputs = std::move(outputs);
      states[i] = std::move(whole);
    }
  }

  void append(const MeasureRun& run, const study::Scenario& scenario, const MeasureState* state,
              io::SummaryRows& rows) const override {
    const auto& kept = *static_cast<const KeptDraws*>(state);
    const auto m = static_cast<Eigen::Index>(rank_draws(run.study.job(), run.n_draws));
    append_rank_row(scenario, run.input_names, kept.inputs.topRows(m), kept.outputs.topRows(m),
                    rows);
  }
};

}  // namespace

const Measure& rank() {
  static const Rank measure;
  return measure;
}

}  // namespace costsweep::driver::measures
