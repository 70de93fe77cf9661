#pragma once
/// This rank's share of a run: its tasks evaluated into pieces of scenario rows.
#include <vector>

#include "driver/detail/layout.hpp"
#include "driver/mpi_env.hpp"
#include "driver/scenario_stats.hpp"
#include "study/plan.hpp"

namespace costsweep::driver::detail {

/// Evaluates this rank's tasks: one piece per row it touches, in row order (with progress on
/// rank 0 when progress is true).
std::vector<Piece> evaluate(const study::StudyPlan& plan, std::size_t first_scenario,
                            const Layout& layout, const Communicator& comm, bool progress);

}  // namespace costsweep::driver::detail
