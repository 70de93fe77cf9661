#pragma once
#include <cstdio>
#include <string>

#include "io/result.hpp"

namespace costsweep::cli {

/// Prints one table per scenario (at most max_scenarios): every output's count, mean, sd, se,
/// min, quantiles and max, and with scenarios the paired difference to the baseline and its se.
void print_summary(const io::ResultTables& tables, std::FILE* out, std::size_t max_scenarios);

/// `costsweep show FILE.h5`: prints the provenance and summary of a result file. Returns the
/// exit status; throws H5Error for a missing, foreign or newer file.
int show_result(const std::string& path, std::FILE* out);

}  // namespace costsweep::cli
