#pragma once
/// The content of a costsweep result file (its layout: io/layout.hpp, README "Result file").
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace costsweep::io {

/// Version of the file layout, stored as the root attribute `costsweep_layout`. Readers refuse
/// files with a newer version.
inline constexpr std::int64_t kLayoutVersion = 1;

/// Summary statistics of consecutive scenarios. Arrays are row-major over
/// [scenario][output] and, for quantiles, [scenario][output][level].
struct SummaryRows {
  std::vector<std::int64_t> count;
  std::vector<double> mean, sd, se, min, max;
  std::vector<double> quantiles;
  std::vector<double> diff_mean;  ///< mean of the paired difference to the baseline scenario
  std::vector<double> diff_se;    ///< its standard error
  /// Sobol indices [scenario][output][group] and their confidence half-widths (95%).
  std::vector<double> sobol_first, sobol_first_halfwidth, sobol_total, sobol_total_halfwidth;
  /// Rank measures [scenario][output][input] over the file's input names, with the bounds of
  /// their 95% intervals; NaN where a scenario does not draw the input or it does not vary.
  std::vector<double> spearman, spearman_low, spearman_high, prcc, prcc_low, prcc_high;
  /// Rank-based first-order Sobol indices [scenario][output][input], from the same draws (no
  /// interval); NaN where a scenario does not draw the input or it does not vary.
  std::vector<double> rank_first_order;

  /// Appends other's rows after these.
  void append(const SummaryRows& other);
};

/// One-at-a-time swings: every group of inputs at its low and high level, the others at their
/// medians. Arrays row-major: base [scenario][output], low/high [scenario][output][group].
struct Tornado {
  std::vector<std::string> groups;  ///< empty: no tornado in this file
  double low_level = 0.1, high_level = 0.9;
  std::vector<double> base, low, high;
};

/// The names and texts a result file carries beside its numbers.
struct ResultHeader {
  std::vector<std::string> scenario_names;
  std::vector<std::string> axis_keys;
  std::vector<std::vector<std::string>> value_text;   ///< [scenario][axis]
  std::vector<std::vector<std::string>> value_label;  ///< [scenario][axis]
  std::int64_t baseline = 0;                          ///< index into the job's scenarios
  std::int64_t first_scenario = 0;   ///< index of scenario row 0 in the job (shards)
  std::int64_t total_scenarios = 0;  ///< scenarios of the whole job
  std::vector<std::string> output_names, output_units, output_descriptions;
  std::vector<std::string> input_names;
  std::vector<std::vector<std::string>> input_specs;  ///< [scenario][input]; "" when not drawn
  std::vector<double> quantile_levels;
  Tornado tornado;
  std::vector<std::string> sobol_groups;  ///< empty: no Sobol indices in this file
  std::uint64_t rank_draws = 0;           ///< draws behind the rank measures; 0: none in the file

  std::size_t n_scenarios() const { return scenario_names.size(); }
  std::size_t n_outputs() const { return output_names.size(); }
};

/// Header and summary together, as `costsweep show` and the tests read them.
struct ResultTables : ResultHeader, SummaryRows {};

/// A provenance attribute value.
using AttributeValue = std::variant<std::string, std::int64_t, std::uint64_t, double>;
/// Attributes of the /provenance group, by name.
using Provenance = std::map<std::string, AttributeValue>;

/// What `costsweep show`, `merge` and the tests read back.
struct ResultFile {
  std::int64_t layout_version = 0;
  ResultTables tables;
  Provenance provenance;
  bool has_samples = false;
};

}  // namespace costsweep::io
