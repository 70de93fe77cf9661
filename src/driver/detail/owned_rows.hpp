#pragma once
/// The summary rows a rank writes: statistics, Sobol indices and rank measures of the scenario
/// rows it owns, reduced or gathered across ranks for rows split between them.
#include <string>
#include <vector>

#include "driver/detail/layout.hpp"
#include "driver/mpi_env.hpp"
#include "driver/scenario_stats.hpp"
#include "io/result.hpp"
#include "study/plan.hpp"

namespace costsweep::driver::detail {

/// Every input name of every scenario of the job, in order of first appearance.
std::vector<std::string> input_union(const study::StudyPlan& plan);

/// Collective. The summary rows this rank owns, in row order, with Sobol indices when the study
/// asks for them; throws RuntimeError on every rank if any draw is NaN.
io::SummaryRows summarise_owned(const study::StudyPlan& plan, std::size_t first_scenario,
                                const Layout& layout, const std::vector<Piece>& pieces,
                                const Communicator& comm);

/// Collective. Appends the rank measures of the rows this rank owns to owned (whose other
/// arrays hold those rows in row order). Whole rows use the draws this rank holds; each split
/// row's first draws are gathered onto its owner (one gather per split row).
void add_rank_rows(const study::StudyPlan& plan, std::size_t first_scenario, const Layout& layout,
                   const std::vector<Piece>& pieces, const Communicator& comm,
                   io::SummaryRows& owned);

}  // namespace costsweep::driver::detail
