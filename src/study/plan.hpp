#pragma once
/// A job's scenarios: its grid (axes over job keys, combined as a product, zipped, one at a
/// time) or its explicit scenario list, each scenario a validated Study.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "study/study.hpp"

namespace costsweep::study {

struct StudyPlan {
  std::string mode;                    ///< single, product, oat or list
  std::vector<std::string> axis_keys;  ///< the job keys the scenarios vary
  std::vector<std::string> scenario_names;
  std::vector<std::vector<std::string>> value_text;   ///< [scenario][axis], as written
  std::vector<std::vector<std::string>> value_label;  ///< [scenario][axis]
  std::vector<StudyPtr> scenarios;                    ///< [scenario]
  std::size_t baseline = 0;  ///< the scenario paired differences are taken against
  bool common_random_numbers = true;

  std::size_t size() const { return scenarios.size(); }
  const Study& base() const { return *scenarios[baseline]; }
};

using StudyPlanPtr = std::shared_ptr<const StudyPlan>;

/// The largest number of scenarios a job may have.
inline constexpr std::size_t kMaxScenarios = 1'000'000;

/// Builds every scenario of the job. A job without [grid] or [scenario.*] sections is one
/// scenario, `baseline`. Throws ConfigError listing every problem, each naming its origin, key
/// and, for a scenario's own problems, the scenario.
StudyPlanPtr build_plan(const JobSource& source);

/// The scenarios [first, last) of shard `index` of `count` (balanced, deterministic).
struct ShardRange {
  std::size_t first;
  std::size_t last;
};
ShardRange shard_range(std::size_t n_scenarios, std::size_t index, std::size_t count) noexcept;

}  // namespace costsweep::study
