#include "driver/rank_rows.hpp"

#include <algorithm>
#include <limits>

#include "core/statistics/rank_correlation.hpp"

namespace costsweep::driver {

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

std::pair<models::Block, models::Block> gather_first_draws(const mpi::Communicator& comm, int root,
                                                           const Piece* piece, std::uint64_t m,
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

}  // namespace costsweep::driver
