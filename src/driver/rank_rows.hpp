#pragma once
/// Rank measures (Spearman, PRCC) of scenario rows, from the first draws of each row: whole on
/// one rank, or gathered from the ranks sharing a split row.
#include <cstdint>
#include <string>
#include <vector>

#include "driver/scenario_stats.hpp"
#include "io/result.hpp"
#include "mpi/communicator.hpp"
#include "study/scenario.hpp"

namespace costsweep::driver {

/// Appends to rows the rank measures of one scenario from its draws [0, m): inputs (m x the
/// study's inputs, in its order) and outputs (m x outputs), scattered over input_names (NaN
/// where the scenario draws no such input).
void append_rank_row(const study::Scenario& scenario, const std::vector<std::string>& input_names,
                     const Eigen::Ref<const models::Block>& inputs,
                     const Eigen::Ref<const models::Block>& outputs, io::SummaryRows& rows);

/// Collective. The draws [0, m) of a row split across ranks, on root: each rank passes its
/// piece of the row (nullptr if none), holding draws in rank order. Returns (inputs, outputs) on
/// root, empty blocks elsewhere.
std::pair<models::Block, models::Block> gather_first_draws(const mpi::Communicator& comm, int root,
                                                           const Piece* piece, std::uint64_t m,
                                                           std::size_t n_inputs,
                                                           std::size_t n_outputs);

}  // namespace costsweep::driver
