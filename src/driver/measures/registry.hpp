#pragma once
/// The built-in measures, one file each; all_measures() lists them (driver/measures/registry.cpp).
#include "driver/measures/measure.hpp"

namespace costsweep::driver::measures {

const Measure& sobol();    ///< pick-freeze Sobol indices (sobol.cpp)
const Measure& rank();     ///< Spearman, PRCC, rank-based first-order indices (rank.cpp)
const Measure& tornado();  ///< one-at-a-time swings, no draws (tornado.cpp)

}  // namespace costsweep::driver::measures
