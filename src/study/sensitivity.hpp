#pragma once
/// Resolves a job's [sensitivity] section: which measures, and the groups of inputs they treat
/// together.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "study/scenario.hpp"

namespace costsweep::study {

/// The measures of [sensitivity]. value(key) is the effective text of a job key ("" when
/// unset, defaults applied by the caller); problem(key, message) reports a problem.
SensitivitySettings resolve_measures(
    const std::function<std::string(const std::string&)>& value,
    const std::function<void(const std::string&, const std::string&)>& problem);

/// The groups of a model's inputs the measures treat together: each declared group (group_keys
/// maps every `sensitivity.group.<name>` key to its members, assumption or input names,
/// comma-separated), then one group per remaining assumption, in input order.
std::vector<InputGroup> resolve_groups(
    const std::vector<models::InputSpec>& inputs,
    const std::map<std::string, std::string>& group_keys,
    const std::function<void(const std::string&, const std::string&)>& problem);

/// The stopping rule (`sensitivity.target_halfwidth`, `max_draws`) against the job's sampling
/// plan and draws: Latin hypercube strata cannot grow, the rule needs Sobol indices; sets
/// sensitivity.max_draws (default 64 x draws). value and problem as for resolve_sensitivity.
void resolve_stopping(SensitivitySettings& sensitivity, sampling::Method sampling_plan,
                      std::uint64_t n_draws,
                      const std::function<std::string(const std::string&)>& value,
                      const std::function<void(const std::string&, const std::string&)>& problem);

}  // namespace costsweep::study
