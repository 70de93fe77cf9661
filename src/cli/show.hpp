#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "io/result.hpp"

namespace costsweep::cli {
struct ShowTable;
}

namespace costsweep::cli {

/// What `costsweep show` prints. Empty lists select everything.
struct ShowOptions {
  std::vector<std::string> outputs;    ///< output names; '*' matches any run of characters
  std::vector<std::string> scenarios;  ///< scenario names ('*' as above) or indices in the job
  /// Summary columns (count, mean, sd, se, min, max, p<level> e.g. p50, diff_mean, diff_se) and
  /// sensitivity tables (show_tables(): sobol, rank, tornado). Empty: every column and table.
  std::vector<std::string> stats;
  bool csv = false;  ///< tidy CSV: scenario, output, unit, measure, about, value
};

/// The summary column name of quantile level p: p5, p50, p2.5.
std::string level_column(double p);

/// The scenarios, outputs and measures options select from a file's tables. Throws InputError
/// naming the unknown name and listing the allowed ones.
struct ShowSelection {
  std::vector<std::size_t> scenarios, outputs;  ///< rows of the tables
  std::vector<std::string> columns;             ///< summary columns, in order
  std::vector<const ShowTable*> tables;         ///< sensitivity tables, in show_tables()' order
};
ShowSelection select(const io::ResultTables& tables, const ShowOptions& options);

/// Prints one table per selected scenario (at most max_scenarios): every selected output's
/// summary columns, and with scenarios the paired difference to the baseline and its se, then
/// the selected sensitivity tables.
void print_summary(const io::ResultTables& tables, const ShowSelection& selection, std::FILE* out,
                   std::size_t max_scenarios);

/// Prints the selection as tidy CSV (one row per scenario x output x measure [x group or input]),
/// numbers with 17 significant digits, fractions as fractions.
void print_csv(const io::ResultTables& tables, const ShowSelection& selection, std::FILE* out);

/// `costsweep show FILE.h5 [options]`: prints the provenance and the selected tables of a
/// result file. Returns the exit status; throws H5Error for a missing, foreign or newer file and
/// InputError for unknown names.
int show_result(const std::string& path, const ShowOptions& options, std::FILE* out);

}  // namespace costsweep::cli
