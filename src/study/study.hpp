#pragma once
/// A study: a job's scenarios, from its grid (axes over job keys, combined as a product, zipped,
/// one at a time) or its explicit scenario list, each a validated Scenario sharing one Job.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "study/scenario.hpp"

namespace costsweep::study {

struct Study {
  std::string mode;                    ///< single, product, oat or list
  std::vector<std::string> axis_keys;  ///< the job keys the scenarios vary
  std::vector<std::string> scenario_names;
  std::vector<std::vector<std::string>> value_text;   ///< [scenario][axis], as written
  std::vector<std::vector<std::string>> value_label;  ///< [scenario][axis]
  std::vector<ScenarioPtr> scenarios;                 ///< [scenario]
  std::size_t baseline = 0;  ///< the scenario paired differences are taken against
  bool common_random_numbers = true;

  std::size_t size() const { return scenarios.size(); }
  const Scenario& base() const { return *scenarios[baseline]; }
  const Job& job() const { return base().job(); }
};

using StudyPtr = std::shared_ptr<const Study>;

/// The largest number of scenarios a job may have.
inline constexpr std::size_t kMaxScenarios = 1'000'000;

/// Builds every scenario of the job. A job without [grid] or [scenario.*] sections is one
/// scenario, `baseline`. Throws ConfigError listing every problem, each naming its origin, key
/// and, for a scenario's own problems, the scenario.
StudyPtr build_study(const JobSource& source);

/// The scenarios [first, last) of shard `index` of `count` (balanced, deterministic).
struct ShardRange {
  std::size_t first;
  std::size_t last;
};
ShardRange shard_range(std::size_t n_scenarios, std::size_t index, std::size_t count) noexcept;

}  // namespace costsweep::study
