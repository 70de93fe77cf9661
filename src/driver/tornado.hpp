#pragma once
/// Tornado (one-at-a-time) sensitivity: each group of inputs swung to its low and high quantile
/// levels while every other input sits at its median.
#include <vector>

#include "io/result.hpp"
#include "study/scenario.hpp"

namespace costsweep::driver {

/// Appends one scenario's rows to tornado (groups named by `groups`; a group the study does not
/// have gives NaN). Evaluates the model on 1 + 2 x groups rows at once.
void add_tornado_rows(const study::Scenario& scenario, io::Tornado& tornado);

}  // namespace costsweep::driver
