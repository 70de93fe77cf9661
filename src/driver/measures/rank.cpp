// Rank measures (Spearman, PRCC with intervals, rank-based first-order indices) from the first
// sensitivity.rank_draws draws of each row: no extra model evaluations; each rank keeps its
// share of those draws, and a row split between ranks is gathered on its owner in rank order.
#include <algorithm>
#include <limits>

#include "core/errors/errors.hpp"
#include "core/serial/bytes.hpp"
#include "core/statistics/rank_correlation.hpp"
#include "driver/measures/registry.hpp"

namespace costsweep::driver::measures {
namespace {

/// This rank's draws of a row below the measures' limit: pieces of consecutive draws, in any
/// order (a resumed run's ranks hold scattered blocks).
struct KeptDraws final : MeasureState {
  struct Piece {
    std::uint64_t first_draw = 0;
    models::Block inputs, outputs;
  };
  std::vector<Piece> pieces;
};

/// The draws [0, m) of a row from pieces that hold each exactly once: (inputs, outputs).
/// Throws RuntimeError when some are missing or held twice.
std::pair<models::Block, models::Block> assemble(const std::vector<const KeptDraws::Piece*>& pieces,
                                                 std::uint64_t m, std::size_t n_inputs,
                                                 std::size_t n_outputs) {
  models::Block inputs(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(n_inputs)),
      outputs(static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(n_outputs));
  std::uint64_t held = 0;
  for (const auto* piece : pieces) {
    const auto at = static_cast<Eigen::Index>(piece->first_draw);
    const auto n = piece->outputs.rows();
    if (piece->first_draw + static_cast<std::uint64_t>(n) > m) {
      throw RuntimeError("rank measures: kept draws beyond the first " + std::to_string(m));
    }
    inputs.middleRows(at, n) = piece->inputs;
    outputs.middleRows(at, n) = piece->outputs;
    held += static_cast<std::uint64_t>(n);
  }
  if (held != m) {
    throw RuntimeError("rank measures: " + std::to_string(held) + " draws kept of the first " +
                       std::to_string(m));
  }
  return {std::move(inputs), std::move(outputs)};
}

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
/// share of the row (nullptr if none). Returns (inputs, outputs) on root, empty blocks
/// elsewhere.
std::pair<models::Block, models::Block> gather_first_draws(const mpi::Communicator& comm, int root,
                                                           const KeptDraws* kept, std::uint64_t m,
                                                           std::size_t n_inputs,
                                                           std::size_t n_outputs) {
  // This rank's draws, packed draw by draw: its index, its inputs, its outputs.
  const std::size_t width = 1 + n_inputs + n_outputs;
  std::vector<double> packed;
  if (kept != nullptr) {
    for (const auto& piece : kept->pieces) {
      for (Eigen::Index r = 0; r < piece.outputs.rows(); ++r) {
        packed.push_back(static_cast<double>(piece.first_draw + static_cast<std::uint64_t>(r)));
        for (Eigen::Index i = 0; i < piece.inputs.cols(); ++i) packed.push_back(piece.inputs(r, i));
        for (Eigen::Index o = 0; o < piece.outputs.cols(); ++o)
          packed.push_back(piece.outputs(r, o));
      }
    }
  }
  const auto all = comm.gather(packed, root);
  if (comm.rank() != root) return {};
  const auto rows = static_cast<Eigen::Index>(m);
  models::Block inputs(rows, static_cast<Eigen::Index>(n_inputs)),
      outputs(rows, static_cast<Eigen::Index>(n_outputs));
  std::vector<bool> seen(m, false);
  for (std::size_t k = 0; k < all.size() / width; ++k) {
    const double* draw = all.data() + k * width;
    const auto index = static_cast<std::uint64_t>(draw[0]);
    if (index >= m || seen[index]) {
      throw RuntimeError("rank measures: draw " + std::to_string(index) + " kept twice or beyond " +
                         std::to_string(m));
    }
    seen[index] = true;
    const auto r = static_cast<Eigen::Index>(index);
    for (Eigen::Index i = 0; i < inputs.cols(); ++i) inputs(r, i) = draw[1 + i];
    for (Eigen::Index o = 0; o < outputs.cols(); ++o) outputs(r, o) = draw[1 + n_inputs + o];
  }
  if (all.size() / width != m) {
    throw RuntimeError("rank measures: " + std::to_string(all.size() / width) +
                       " draws kept of the first " + std::to_string(m));
  }
  return {std::move(inputs), std::move(outputs)};
}

std::vector<const KeptDraws::Piece*> pieces_of(const KeptDraws& kept) {
  std::vector<const KeptDraws::Piece*> pieces;
  for (const auto& piece : kept.pieces) pieces.push_back(&piece);
  return pieces;
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

  std::unique_ptr<MeasureState> start_row(const MeasureRun&, const MeasureRow&) const override {
    return std::make_unique<KeptDraws>();
  }

  void add_block(const MeasureRun& run, const MeasureRow&, std::uint64_t first_draw,
                 const Eigen::Ref<const models::Block>& inputs,
                 const Eigen::Ref<const models::Block>& outputs,
                 MeasureState& state) const override {
    const std::uint64_t m = rank_draws(run.study.job(), run.n_draws);
    if (first_draw >= m) return;
    const auto n = static_cast<Eigen::Index>(
        std::min<std::uint64_t>(static_cast<std::uint64_t>(outputs.rows()), m - first_draw));
    auto& kept = static_cast<KeptDraws&>(state);
    kept.pieces.push_back({first_draw, inputs.topRows(n), outputs.topRows(n)});
  }

  std::string save(const MeasureState* state) const override {
    if (state == nullptr) return {};
    serial::ByteWriter out;
    const auto& kept = static_cast<const KeptDraws&>(*state);
    out.u64(kept.pieces.size());
    for (const auto& piece : kept.pieces) {
      out.u64(piece.first_draw);
      out.u64(static_cast<std::uint64_t>(piece.inputs.rows()));
      out.u64(static_cast<std::uint64_t>(piece.inputs.cols()));
      out.u64(static_cast<std::uint64_t>(piece.outputs.cols()));
      out.raw(piece.inputs.data(), static_cast<std::size_t>(piece.inputs.size()) * sizeof(double));
      out.raw(piece.outputs.data(),
              static_cast<std::size_t>(piece.outputs.size()) * sizeof(double));
    }
    return std::move(out.bytes());
  }

  void merge_saved(const MeasureRun& run, const MeasureRow& row, std::string_view saved,
                   std::unique_ptr<MeasureState>& state) const override {
    if (saved.empty()) return;
    serial::ByteReader in(saved, "the rank measures' state of a checkpoint");
    if (state == nullptr) state = start_row(run, row);
    auto& kept = static_cast<KeptDraws&>(*state);
    const auto n_in = row.scenario.inputs.size(), n_out = row.scenario.model->outputs().size();
    const std::uint64_t m = rank_draws(run.study.job(), run.n_draws);
    const auto n_pieces = in.u64();
    for (std::uint64_t k = 0; k < n_pieces; ++k) {
      KeptDraws::Piece piece;
      piece.first_draw = in.u64();
      const auto rows = in.u64();
      if (in.u64() != n_in || in.u64() != n_out || rows > m || piece.first_draw > m - rows) {
        in.fail("it is of other inputs, outputs or draws");
      }
      piece.inputs.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n_in));
      piece.outputs.resize(static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(n_out));
      in.raw(piece.inputs.data(), rows * n_in * sizeof(double));
      in.raw(piece.outputs.data(), rows * n_out * sizeof(double));
      kept.pieces.push_back(std::move(piece));
    }
    if (!in.done()) in.fail("it has bytes after its state (damaged)");
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
      if (owners[i] != comm.rank()) {
        states[i] = nullptr;  // the owner holds the row's draws now
        continue;
      }
      auto whole = std::make_unique<KeptDraws>();
      whole->pieces.push_back({0, std::move(inputs), std::move(outputs)});
      states[i] = std::move(whole);
    }
  }

  void append(const MeasureRun& run, const study::Scenario& scenario, const MeasureState* state,
              io::SummaryRows& rows) const override {
    const auto& kept = *static_cast<const KeptDraws*>(state);
    const std::uint64_t m = rank_draws(run.study.job(), run.n_draws);
    const auto [inputs, outputs] =
        assemble(pieces_of(kept), m, scenario.inputs.size(), scenario.model->outputs().size());
    append_rank_row(scenario, run.input_names, inputs, outputs, rows);
  }
};

}  // namespace

const Measure& rank() {
  static const Rank measure;
  return measure;
}

}  // namespace costsweep::driver::measures
