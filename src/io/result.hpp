#pragma once
/// The content of a costsweep result file (layout documented in README "Result file").
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace costsweep::io {

/// Version of the file layout, stored as the root attribute `costsweep_layout`. Readers refuse
/// files with a newer version.
inline constexpr std::int64_t kLayoutVersion = 1;

/// Names, quantile levels and summary arrays. Arrays are row-major: [scenario][output] and, for
/// quantiles, [scenario][output][level].
struct ResultTables {
  std::vector<std::string> scenario_names;
  std::vector<std::string> output_names;
  std::vector<std::string> output_units;
  std::vector<std::string> output_descriptions;
  std::vector<std::string> input_names;
  std::vector<std::string> input_specs;
  std::vector<double> quantile_levels;
  std::vector<std::int64_t> count;
  std::vector<double> mean, sd, se, min, max;
  std::vector<double> quantiles;

  std::size_t n_scenarios() const { return scenario_names.size(); }
  std::size_t n_outputs() const { return output_names.size(); }
};

/// A provenance attribute value.
using AttributeValue = std::variant<std::string, std::int64_t, std::uint64_t, double>;
/// Attributes of the /provenance group, by name.
using Provenance = std::map<std::string, AttributeValue>;

/// What `costsweep show` and the tests read back.
struct ResultFile {
  std::int64_t layout_version = 0;
  ResultTables tables;
  Provenance provenance;
  bool has_samples = false;
};

}  // namespace costsweep::io
