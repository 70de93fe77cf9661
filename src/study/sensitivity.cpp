#include "study/sensitivity.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "study/detail/text.hpp"

namespace costsweep::study {

namespace {

/// The yes/no switch `sensitivity.<name>`.
bool resolve_switch(const std::string& name, const KeyValue& value, const KeyProblem& problem) {
  const std::string key = "sensitivity." + name;
  const auto on = detail::parse_bool(value(key));
  if (!on) problem(key, "cannot use " + name + " '" + value(key) + "': expected yes or no");
  return on.value_or(false);
}

/// Sobol indices and the stopping rule that watches their intervals (target_halfwidth,
/// max_draws, against the sampling plan and draws: Latin hypercube strata cannot grow).
void resolve_sobol(const KeyValue& value, const KeyProblem& problem, const Job& job,
                   SensitivitySettings& settings) {
  settings.sobol = resolve_switch("sobol", value, problem);
  const std::string target = value("sensitivity.target_halfwidth");
  if (target != "none") {
    const auto t = detail::parse_number(target);
    if (t && *t > 0 && *t < 1) {
      settings.target_halfwidth = *t;
    } else {
      problem("sensitivity.target_halfwidth",
              "cannot use target_halfwidth '" + target +
                  "': expected a number in (0, 1), e.g. 0.02, or none");
    }
  }
  const std::string max_text = value("sensitivity.max_draws");
  if (settings.target_halfwidth > 0) {
    if (!settings.sobol) {
      problem("sensitivity.target_halfwidth",
              "cannot use a stopping rule without Sobol indices: it watches their intervals; set "
              "sensitivity.sobol = yes or remove target_halfwidth");
    }
    if (job.method == sampling::Method::kLatinHypercube) {
      problem("sensitivity.target_halfwidth",
              "cannot use a stopping rule with the lhs plan: Latin hypercube strata depend on the "
              "total draws, so draws cannot be added; use job.plan = mc or sobol");
    }
    if (max_text == "64 x job.draws") {
      settings.max_draws = job.n_draws * 64;
    } else if (const auto n = detail::parse_whole(max_text, 1, std::uint64_t{1} << 53)) {
      settings.max_draws = *n;
    } else {
      problem("sensitivity.max_draws",
              "cannot use max_draws '" + max_text + "': expected a whole number from 1 to 2^53");
    }
    if (settings.max_draws != 0 && settings.max_draws < job.n_draws) {
      problem("sensitivity.max_draws", "cannot use max_draws '" + max_text +
                                           "': it is below job.draws (" +
                                           std::to_string(job.n_draws) + ")");
    }
  } else if (max_text != "64 x job.draws") {
    problem("sensitivity.max_draws",
            "cannot use max_draws without a stopping rule: set sensitivity.target_halfwidth");
  }
}

void resolve_rank(const KeyValue& value, const KeyProblem& problem, const Job&,
                  SensitivitySettings& settings) {
  settings.rank = resolve_switch("rank", value, problem);
  if (const auto n = detail::parse_whole(value("sensitivity.rank_draws"), 10, 10000000)) {
    settings.rank_draws = *n;
  } else {
    problem("sensitivity.rank_draws", "cannot use rank_draws '" + value("sensitivity.rank_draws") +
                                          "': expected a whole number from 10 to 10000000");
  }
}

/// A scenario's first draws are gathered onto one rank as one MPI message (int counts).
void check_rank(const Scenario& scenario, const KeyProblem& problem) {
  if (!scenario.model) return;
  const Job& job = scenario.job();
  const std::uint64_t values = std::min(job.n_draws, job.sensitivity.rank_draws) *
                               (scenario.inputs.size() + scenario.model->outputs().size());
  constexpr std::uint64_t kLimit = std::numeric_limits<int>::max();
  if (values > kLimit) {
    problem("sensitivity.rank_draws",
            "cannot rank " + std::to_string(values) + " values per scenario (draws x (inputs + " +
                "outputs)): at most " + std::to_string(kLimit) + "; lower rank_draws");
  }
}

void resolve_tornado(const KeyValue& value, const KeyProblem& problem, const Job&,
                     SensitivitySettings& settings) {
  settings.tornado = resolve_switch("tornado", value, problem);
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
    settings.tornado_low = parsed[0];
    settings.tornado_high = parsed[1];
  }
}

}  // namespace

const std::vector<MeasureKeys>& measure_keys() {
  static const std::vector<MeasureKeys> measures = {
      {"sobol",
       {{"sensitivity.sobol", "no",
         "yes: Sobol indices of every group (draws = base draws; runs draws x (groups + 2) model "
         "evaluations)"},
        {"sensitivity.target_halfwidth", "none",
         "stopping rule (needs sobol = yes, plan mc or sobol): double the draws until every "
         "Sobol index's 95% half-width is at most this, in (0, 1)"},
        {"sensitivity.max_draws", "64 x job.draws",
         "the stopping rule's limit on draws; it warns and writes what it has when reached"}},
       &SensitivitySettings::sobol,
       &resolve_sobol,
       nullptr},
      {"rank",
       {{"sensitivity.rank", "no",
         "yes: Spearman and partial rank correlation (PRCC) of every input with every output, "
         "and first-order Sobol indices from their ranks"},
        {"sensitivity.rank_draws", "100000",
         "draws the rank measures use (the first ones; all when the job has fewer), "
         "10..10000000"}},
       &SensitivitySettings::rank,
       &resolve_rank,
       &check_rank},
      {"tornado",
       {{"sensitivity.tornado", "no",
         "yes: swing each group of inputs to its low and high levels, the others at their "
         "medians"},
        {"sensitivity.tornado_levels", "0.1 0.9",
         "the two levels of the tornado swing, in (0, 1)"}},
       &SensitivitySettings::tornado,
       &resolve_tornado,
       nullptr},
  };
  return measures;
}

SensitivitySettings resolve_measures(const KeyValue& value, const KeyProblem& problem,
                                     const Job& job) {
  SensitivitySettings settings;
  for (const auto& measure : measure_keys()) measure.resolve(value, problem, job, settings);
  return settings;
}

void check_measures(const Scenario& scenario, const KeyProblem& problem) {
  for (const auto& measure : measure_keys()) {
    if (scenario.job().sensitivity.*measure.on && measure.check != nullptr) {
      measure.check(scenario, problem);
    }
  }
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

}  // namespace costsweep::study
