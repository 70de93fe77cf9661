#pragma once
/// Resolves a job's [sensitivity] section: which measures, and the groups of inputs they treat
/// together.
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "study/scenario.hpp"

namespace costsweep::study {

using KeyValue = std::function<std::string(const std::string&)>;
using KeyProblem = std::function<void(const std::string&, const std::string&)>;

/// A sensitivity measure's part of a job, listed once in measure_keys(): its keys (each
/// `sensitivity.<name>`) with their defaults and help, how they are read into
/// SensitivitySettings, and what it checks of a built scenario. Its run is the plug-in of the
/// same name in driver/measures, its datasets rows of io/layout.hpp, its table an entry of
/// cli/show_tables.cpp, its report section tools/reportlib/measures/<name>.py.
struct MeasureKeys {
  std::string_view name;
  std::vector<KeyDoc> keys;       ///< its switch first
  bool SensitivitySettings::*on;  ///< its switch
  /// Reads its keys (value: the effective text, defaults applied) into settings for a job whose
  /// job.* settings are resolved; problem(key, message) reports a problem.
  void (*resolve)(const KeyValue& value, const KeyProblem& problem, const Job& job,
                  SensitivitySettings& settings);
  /// Checks a built scenario of a job that turns it on; null: nothing to check.
  void (*check)(const Scenario& scenario, const KeyProblem& problem);
};

/// Every measure's keys, in the order of driver/measures' registry (Sobol, rank, tornado).
const std::vector<MeasureKeys>& measure_keys();

/// The measures of [sensitivity] for a job whose job.* settings are resolved: every measure's
/// resolve in turn.
SensitivitySettings resolve_measures(const KeyValue& value, const KeyProblem& problem,
                                     const Job& job);

/// Every enabled measure's check of a built scenario.
void check_measures(const Scenario& scenario, const KeyProblem& problem);

/// The groups of a model's inputs the measures treat together: each declared group (group_keys
/// maps every `sensitivity.group.<name>` key to its members, assumption or input names,
/// comma-separated), then one group per remaining assumption, in input order.
std::vector<InputGroup> resolve_groups(
    const std::vector<models::InputSpec>& inputs,
    const std::map<std::string, std::string>& group_keys,
    const std::function<void(const std::string&, const std::string&)>& problem);

}  // namespace costsweep::study
