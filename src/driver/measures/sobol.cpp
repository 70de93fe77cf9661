// Sobol first-order and total indices by the pick-freeze design: besides the draws of matrix A,
// each block evaluates matrix B and, per group, A with the group's columns taken from B. The
// accumulators are exact integer sums, so shares of a row merge across ranks bit for bit.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/serial/bytes.hpp"
#include "core/statistics/sobol_indices.hpp"
#include "driver/measures/registry.hpp"

namespace costsweep::driver::measures {
namespace {

struct SobolState final : MeasureState {
  std::vector<stats::SobolAccumulator> per_output;
  std::vector<double> shift;  ///< per output: what its accumulator subtracts
};

std::size_t n_groups(const study::Study& study) { return study.base().groups().size(); }
std::size_t n_outputs(const study::Study& study) { return study.base().model->outputs().size(); }

class Sobol final : public Measure {
 public:
  std::string_view key() const override { return "sobol"; }

  std::vector<std::string> plan_lines(const study::Scenario& base) const override {
    const auto& sensitivity = base.job().sensitivity;
    const std::size_t groups = base.groups().size();
    std::vector<std::string> lines = {"sobol      " + std::to_string(groups) + " groups: draws x " +
                                      std::to_string(groups + 2) + " model evaluations"};
    if (sensitivity.target_halfwidth > 0) {  // the stopping rule watches Sobol intervals
      char text[160];
      std::snprintf(text, sizeof text,
                    "stopping   double the draws until every Sobol half-width <= %g, at most %llu",
                    sensitivity.target_halfwidth,
                    static_cast<unsigned long long>(sensitivity.max_draws));
      lines.emplace_back(text);
    }
    return lines;
  }

  /// First-order and total indices, ignoring those that are NaN (outputs without variance).
  std::optional<double> largest_halfwidth(const io::SummaryRows& rows) const override {
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

  /// A block's matrix B, the mixed matrix and their outputs, and the outputs of every group;
  /// per summary row, the four index datasets of each output and group.
  MeasureMemory memory(const MemoryShape& shape) const override {
    const std::uint64_t groups = n_groups(shape.study), bs = shape.study.job().block_size;
    return {bs * (2 * shape.n_inputs + 2 * shape.n_outputs + shape.n_outputs * groups) * 8,
            shape.n_outputs * 4 * groups * 8,
            {}};
  }

  void describe(const study::Study& study, std::size_t, std::size_t, std::uint64_t,
                io::ResultHeader& header) const override {
    for (const auto& group : study.base().groups()) header.sobol_groups.push_back(group.name);
  }

  /// Accumulators shifted by the row's outputs at draw 0 of matrix A (the same on every rank,
  /// so partial sums merge).
  std::unique_ptr<MeasureState> start_row(const MeasureRun&, const MeasureRow& row) const override {
    if (row.local_draws == 0) return nullptr;
    return make_state(row);
  }

  std::string save(const MeasureState* state) const override {
    if (state == nullptr) return {};
    serial::ByteWriter out;
    const auto& accumulators = static_cast<const SobolState*>(state)->per_output;
    out.u64(accumulators.size());
    for (const auto& accumulator : accumulators) out.vec(accumulator.state());
    return std::move(out.bytes());
  }

  void merge_saved(const MeasureRun& run, const MeasureRow& row, std::string_view saved,
                   std::unique_ptr<MeasureState>& state) const override {
    if (saved.empty()) return;
    serial::ByteReader in(saved, "the Sobol state of a checkpoint");
    const std::size_t groups = n_groups(run.study), n_out = n_outputs(run.study);
    if (in.u64() != n_out) in.fail("it is of other outputs");
    if (state == nullptr) state = make_state(row);
    auto& accumulators = static_cast<SobolState&>(*state).per_output;
    const auto size = stats::SobolAccumulator(groups, 0.0).state().size();
    for (std::size_t o = 0; o < n_out; ++o) {
      const auto part = in.vec<std::int64_t>();
      if (part.size() != size) in.fail("it is of other groups");
      accumulators[o].merge(stats::SobolAccumulator::from_state(groups, shifts(state)[o], part));
    }
    if (!in.done()) in.fail("it has bytes after its state (damaged)");
  }

 private:
  /// A row's state with no draws, shifted by its outputs at draw 0.
  static std::unique_ptr<SobolState> make_state(const MeasureRow& row) {
    const auto& scenario = row.scenario;
    models::Block inputs(1, static_cast<Eigen::Index>(scenario.inputs.size())),
        outputs(1, static_cast<Eigen::Index>(scenario.model->outputs().size()));
    row.runner.run(0, inputs, outputs);
    auto state = std::make_unique<SobolState>();
    for (Eigen::Index o = 0; o < outputs.cols(); ++o) {
      state->per_output.emplace_back(scenario.groups().size(), outputs(0, o));
      state->shift.push_back(outputs(0, o));
    }
    return state;
  }
  static const std::vector<double>& shifts(const std::unique_ptr<MeasureState>& state) {
    return static_cast<const SobolState&>(*state).shift;
  }

 public:
  void add_block(const MeasureRun&, const MeasureRow& row, std::uint64_t first_draw,
                 const Eigen::Ref<const models::Block>& inputs_a,
                 const Eigen::Ref<const models::Block>& f_a, MeasureState& state) const override {
    auto& accumulators = static_cast<SobolState&>(state).per_output;
    const auto& scenario = row.scenario;
    const auto rows = inputs_a.rows(), n_out = f_a.cols();
    const auto& groups = scenario.groups();
    models::Block inputs_b(rows, inputs_a.cols()), f_b(rows, n_out), mixed(rows, inputs_a.cols()),
        f_mixed(rows, n_out);
    row.runner.draw(first_draw, true, inputs_b);
    scenario.model->evaluate(inputs_b, f_b);
    std::vector<models::Block> f_ab(static_cast<std::size_t>(n_out),
                                    models::Block(rows, static_cast<Eigen::Index>(groups.size())));
    for (std::size_t g = 0; g < groups.size(); ++g) {
      mixed = inputs_a;
      for (const auto i : groups[g].inputs) {
        mixed.col(static_cast<Eigen::Index>(i)) = inputs_b.col(static_cast<Eigen::Index>(i));
      }
      scenario.model->evaluate(mixed, f_mixed);
      for (Eigen::Index o = 0; o < n_out; ++o) {
        f_ab[static_cast<std::size_t>(o)].col(static_cast<Eigen::Index>(g)) = f_mixed.col(o);
      }
    }
    for (Eigen::Index o = 0; o < n_out; ++o) {
      accumulators[static_cast<std::size_t>(o)].add(f_a.col(o), f_b.col(o),
                                                    f_ab[static_cast<std::size_t>(o)]);
    }
  }

  /// One sum of every row's packed accumulators (a fixed number of reductions whatever the
  /// rows); rows without blocks on a rank add zeros.
  void reduce(const MeasureRun& run, std::span<const std::uint64_t> rows, std::span<const int>,
              std::vector<std::unique_ptr<MeasureState>>& states,
              const mpi::Communicator& comm) const override {
    const std::size_t n_out = n_outputs(run.study), groups = n_groups(run.study);
    const auto empty = stats::SobolAccumulator(groups, 0.0).state();
    std::vector<std::int64_t> packed;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto* state = static_cast<const SobolState*>(states[i].get());
      for (std::size_t o = 0; o < n_out; ++o) {
        const auto part = state == nullptr ? empty : state->per_output[o].state();
        packed.insert(packed.end(), part.begin(), part.end());
      }
    }
    comm.sum(packed);
    const std::size_t size = empty.size();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      auto merged = std::make_unique<SobolState>();
      for (std::size_t o = 0; o < n_out; ++o) {
        merged->per_output.push_back(stats::SobolAccumulator::from_state(
            groups, 0.0,
            std::span<const std::int64_t>(packed.data() + (i * n_out + o) * size, size)));
        merged->shift.push_back(0.0);  // complete: nothing more is added
      }
      states[i] = std::move(merged);
    }
  }

  void append(const MeasureRun& run, const study::Scenario&, const MeasureState* state,
              io::SummaryRows& rows) const override {
    const std::size_t n_out = n_outputs(run.study);
    const stats::SobolAccumulator none(n_groups(run.study), 0.0);
    for (std::size_t o = 0; o < n_out; ++o) {
      const auto& accumulator =
          state == nullptr ? none : static_cast<const SobolState*>(state)->per_output[o];
      const auto e = accumulator.estimate();
      rows.sobol_first.insert(rows.sobol_first.end(), e.first.begin(), e.first.end());
      rows.sobol_first_halfwidth.insert(rows.sobol_first_halfwidth.end(), e.first_halfwidth.begin(),
                                        e.first_halfwidth.end());
      rows.sobol_total.insert(rows.sobol_total.end(), e.total.begin(), e.total.end());
      rows.sobol_total_halfwidth.insert(rows.sobol_total_halfwidth.end(), e.total_halfwidth.begin(),
                                        e.total_halfwidth.end());
    }
  }
};

}  // namespace

const Measure& sobol() {
  static const Sobol measure;
  return measure;
}

}  // namespace costsweep::driver::measures
