#include "study/sensitivity.hpp"

#include <algorithm>
#include <sstream>

#include "study/detail/text.hpp"

namespace costsweep::study {

SensitivitySettings resolve_measures(
    const std::function<std::string(const std::string&)>& value,
    const std::function<void(const std::string&, const std::string&)>& problem) {
  SensitivitySettings plan;
  const auto tornado = detail::parse_bool(value("sensitivity.tornado"));
  if (!tornado)
    problem("sensitivity.tornado",
            "cannot use tornado '" + value("sensitivity.tornado") + "': expected yes or no");
  plan.tornado = tornado.value_or(false);
  const auto sobol = detail::parse_bool(value("sensitivity.sobol"));
  if (!sobol)
    problem("sensitivity.sobol",
            "cannot use sobol '" + value("sensitivity.sobol") + "': expected yes or no");
  plan.sobol = sobol.value_or(false);
  const auto rank = detail::parse_bool(value("sensitivity.rank"));
  if (!rank)
    problem("sensitivity.rank",
            "cannot use rank '" + value("sensitivity.rank") + "': expected yes or no");
  plan.rank = rank.value_or(false);
  if (const auto n = detail::parse_whole(value("sensitivity.rank_draws"), 10, 10000000)) {
    plan.rank_draws = *n;
  } else {
    problem("sensitivity.rank_draws", "cannot use rank_draws '" + value("sensitivity.rank_draws") +
                                          "': expected a whole number from 10 to 10000000");
  }
  const std::string target = value("sensitivity.target_halfwidth");
  if (target != "none") {
    const auto t = detail::parse_number(target);
    if (t && *t > 0 && *t < 1) {
      plan.target_halfwidth = *t;
    } else {
      problem("sensitivity.target_halfwidth",
              "cannot use target_halfwidth '" + target +
                  "': expected a number in (0, 1), e.g. 0.02, or none");
    }
  }
  std::istringstream levels(value("sensitivity.tornado_levels"));
  std::vector<double> parsed;
  for (std::string word; levels >> word;) {
    const auto level = detail::parse_number(word);
    if (level && *level > 0 && *level < 1) parsed.push_back(*level);
  }
  if (parsed.size() != 2 || parsed[0] >= parsed[1]) {
    problem("sensitivity.tornado_levels",
            "cannot use tornado levels '" + value("sensitivity.tornado_levels") +
                "': expected two levels low < high in (0, 1), e.g. 0.1 0.9");
  } else {
    plan.tornado_low = parsed[0];
    plan.tornado_high = parsed[1];
  }
  return plan;
}

std::vector<InputGroup> resolve_groups(
    const std::vector<models::InputSpec>& inputs,
    const std::map<std::string, std::string>& group_keys,
    const std::function<void(const std::string&, const std::string&)>& problem) {
  std::vector<InputGroup> groups;
  std::vector<std::string> owner(inputs.size());
  for (const auto& [key, members] : group_keys) {
    InputGroup group{key.substr(std::string("sensitivity.group.").size()), {}};
    // A group named like an assumption or input would take that input in as well, unasked.
    const bool clashes = std::any_of(inputs.begin(), inputs.end(), [&](const auto& in) {
      return in.name == group.name || in.group == group.name;
    });
    if (clashes) {
      problem(key, "cannot name group '" + group.name +
                       "': an input or assumption has that name; choose another group name");
      continue;
    }
    if (detail::split_list(members).empty()) {
      problem(key, "cannot use group '" + group.name +
                       "': it lists no inputs (expected assumption or input names, e.g. " +
                       (inputs.empty() ? std::string("x1, x2") : inputs.front().group) + ")");
      continue;
    }
    for (const auto& member : detail::split_list(members)) {
      bool found = false;
      for (std::size_t i = 0; i < inputs.size(); ++i) {
        if (inputs[i].name != member && inputs[i].group != member) continue;
        found = true;
        if (!owner[i].empty() && owner[i] != group.name) {
          problem(key, "cannot put input '" + inputs[i].name + "' in group '" + group.name +
                           "': it is already in group '" + owner[i] + "'");
        } else if (owner[i].empty()) {
          owner[i] = group.name;
          group.inputs.push_back(i);
        }
      }
      if (!found) {
        std::vector<std::string> names;
        for (const auto& in : inputs) {
          if (std::find(names.begin(), names.end(), in.group) == names.end())
            names.push_back(in.group);
        }
        problem(key, "cannot group '" + member +
                         "': no input or assumption has that name (assumptions: " +
                         detail::join(names) + ")");
      }
    }
    groups.push_back(group);
  }
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    if (!owner[i].empty()) continue;
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const InputGroup& g) { return g.name == inputs[i].group; });
    if (it == groups.end()) it = groups.insert(groups.end(), {inputs[i].group, {}});
    it->inputs.push_back(i);
  }
  return groups;
}

void resolve_stopping(SensitivitySettings& sensitivity, sampling::Method sampling_plan,
                      std::uint64_t n_draws,
                      const std::function<std::string(const std::string&)>& value,
                      const std::function<void(const std::string&, const std::string&)>& problem) {
  const std::string max_text = value("sensitivity.max_draws");
  if (sensitivity.target_halfwidth > 0) {
    if (!sensitivity.sobol) {
      problem("sensitivity.target_halfwidth",
              "cannot use a stopping rule without Sobol indices: it watches their intervals; set "
              "sensitivity.sobol = yes or remove target_halfwidth");
    }
    if (sampling_plan == sampling::Method::kLatinHypercube) {
      problem("sensitivity.target_halfwidth",
              "cannot use a stopping rule with the lhs plan: Latin hypercube strata depend on the "
              "total draws, so draws cannot be added; use job.plan = mc or sobol");
    }
    if (max_text == "64 x job.draws") {
      sensitivity.max_draws = n_draws * 64;
    } else if (const auto n = detail::parse_whole(max_text, 1, std::uint64_t{1} << 53)) {
      sensitivity.max_draws = *n;
    } else {
      problem("sensitivity.max_draws",
              "cannot use max_draws '" + max_text + "': expected a whole number from 1 to 2^53");
    }
    if (sensitivity.max_draws != 0 && sensitivity.max_draws < n_draws) {
      problem("sensitivity.max_draws", "cannot use max_draws '" + max_text +
                                           "': it is below job.draws (" + std::to_string(n_draws) +
                                           ")");
    }
  } else if (max_text != "64 x job.draws") {
    problem("sensitivity.max_draws",
            "cannot use max_draws without a stopping rule: set sensitivity.target_halfwidth");
  }
}

}  // namespace costsweep::study
