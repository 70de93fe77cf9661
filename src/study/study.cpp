#include "study/study.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "core/errors/errors.hpp"
#include "study/detail/text.hpp"

namespace costsweep::study {
namespace {

using detail::join;
using detail::trim;

/// One grid axis: a job key and its values, each with a label.
struct Axis {
  std::string key;
  std::string origin;
  std::vector<std::string> labels, values;
};

/// A scenario before it is built: its name and the value index of every axis (list mode: -1
/// where it leaves the key alone).
struct ScenarioSpec {
  std::string name;
  std::vector<long> index;
  std::vector<JobEntry> overrides;  ///< list mode only (grid scenarios: overrides_of)
};

class StudyBuilder {
 public:
  explicit StudyBuilder(const JobSource& source) : source_(source) {}
  StudyPtr build();

 private:
  void split_entries();
  void read_axis(const JobEntry& entry);
  void read_settings();
  std::vector<std::vector<std::size_t>> factors();
  void product_scenarios();
  void one_at_a_time_scenarios();
  void list_scenarios();
  ScenarioSpec scenario_of(const std::vector<long>& index) const;
  std::vector<JobEntry> overrides_of(const ScenarioSpec& spec) const;
  void build_scenarios();
  void fail(const std::string& message) { problems_.push_back(message); }

  const JobSource& source_;
  JobSource base_;
  std::map<std::string, const JobEntry*> grid_;
  std::vector<Axis> axes_;
  std::vector<std::vector<std::string>> zips_;
  std::map<std::string, std::vector<const JobEntry*>> listed_;  // scenario name -> its entries
  std::vector<std::string> listed_order_;
  std::vector<ScenarioSpec> specs_;
  std::vector<std::string> problems_;
  Study study_;
};

void StudyBuilder::split_entries() {
  base_ = source_;
  base_.entries.clear();
  for (const auto& entry : source_.entries) {
    if (entry.key.rfind("grid.axis.", 0) == 0) {
      read_axis(entry);
    } else if (entry.key.rfind("grid.", 0) == 0) {
      grid_[entry.key.substr(5)] = &entry;
    } else if (entry.key.rfind("scenario.", 0) == 0) {
      const auto dot = entry.key.find('.', 9);
      const std::string name = entry.key.substr(9, dot == std::string::npos ? 0 : dot - 9);
      if (dot == std::string::npos || name.empty()) {
        fail("cannot read " + entry.origin + ": '" + entry.key +
             "' is not in a [scenario.<name>] section");
        continue;
      }
      if (listed_.count(name) == 0) listed_order_.push_back(name);
      listed_[name].push_back(&entry);
    } else {
      base_.entries.push_back(entry);
    }
  }
}

void StudyBuilder::read_axis(const JobEntry& entry) {
  Axis axis{entry.key.substr(10), entry.origin, {}, {}};
  if (axis.key.rfind("inputs.", 0) != 0 && axis.key.rfind("model.", 0) != 0) {
    return fail("cannot sweep '" + axis.key +
                "': an axis varies an inputs.* or model.* key (draws, seed, block size, quantiles, "
                "samples and output are the same for every scenario) [" +
                entry.origin + "]");
  }
  std::set<std::string> labels;
  std::string text = entry.value;
  std::size_t start = 0;
  while (true) {
    const auto bar = text.find('|', start);
    const std::string item =
        text.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::string label, value;
    if (auto labelled = detail::split_label(item)) {
      label = std::move(labelled->label);
      value = std::move(labelled->value);
    } else {
      value = trim(item);
      label = value.empty() ? "none" : value;
      // An empty value leaves the key at its default only when labelled (`default:`); bare, it
      // is a slip (`axis.inputs.x2 =`, `a | | b`).
      if (value.empty()) {
        fail("cannot sweep '" + axis.key + "': value " + std::to_string(axis.values.size() + 1) +
             " is empty (values are separated by '|', e.g. uniform(0, 1) | uniform(0, 2); a "
             "labelled empty value, e.g. 'default:', keeps the key's default) [" +
             entry.origin + "]");
      }
    }
    if (!labels.insert(label).second) {
      fail("cannot sweep '" + axis.key + "': label '" + label + "' names two values [" +
           entry.origin + "]");
    }
    axis.labels.push_back(label);
    axis.values.push_back(value);
    if (bar == std::string::npos) break;
    start = bar + 1;
  }
  const auto same =
      std::find_if(axes_.begin(), axes_.end(), [&](const Axis& a) { return a.key == axis.key; });
  if (same != axes_.end())
    return fail("cannot sweep '" + axis.key + "' twice [" + entry.origin + "]");
  axes_.push_back(axis);
}

void StudyBuilder::read_settings() {
  std::set<std::string> known = {"mode", "common_random_numbers", "zip"};
  for (const auto& [key, entry] : grid_) {
    if (known.count(key) == 0) {
      fail("cannot use key 'grid." + key +
           "': unknown (keys of [grid]: mode, common_random_numbers, zip, axis.<job key>) [" +
           entry->origin + "]");
    }
  }
  const auto value = [&](const std::string& key, const std::string& fallback) {
    const auto it = grid_.find(key);
    return it == grid_.end() || trim(it->second->value).empty() ? fallback
                                                                : trim(it->second->value);
  };
  study_.mode = value("mode", listed_.empty() ? (axes_.empty() ? "single" : "product") : "list");
  if (!axes_.empty() && !listed_.empty()) {
    fail("cannot combine [grid] axes with [scenario.*] sections: use one or the other [" +
         source_.path + "]");
  }
  const std::set<std::string> modes = {"product", "oat", "list", "single"};
  if (modes.count(study_.mode) == 0 || (study_.mode == "list") != !listed_.empty() ||
      ((study_.mode == "product" || study_.mode == "oat") && axes_.empty())) {
    fail("cannot use grid.mode '" + study_.mode +
         "': product or oat need grid.axis.* keys, list needs [scenario.<name>] sections [" +
         source_.path + "]");
  }
  const auto crn = detail::parse_bool(value("common_random_numbers", "yes"));
  if (!crn)
    fail("cannot use grid.common_random_numbers '" + value("common_random_numbers", "") +
         "': expected yes or no [" + grid_.at("common_random_numbers")->origin + "]");
  study_.common_random_numbers = crn.value_or(true);
  std::string zips = value("zip", "");
  std::replace(zips.begin(), zips.end(), ';', ',');
  for (const auto& group : detail::split_list(zips)) {
    std::istringstream words(group);
    std::vector<std::string> keys;
    for (std::string key; words >> key;) keys.push_back(key);
    zips_.push_back(keys);
  }
}

/// Groups of axis indices that move together: each zip group, then every other axis alone.
std::vector<std::vector<std::size_t>> StudyBuilder::factors() {
  std::vector<std::vector<std::size_t>> groups;
  std::vector<bool> used(axes_.size(), false);
  for (const auto& zip : zips_) {
    std::vector<std::size_t> group;
    for (const auto& key : zip) {
      const auto it =
          std::find_if(axes_.begin(), axes_.end(), [&](const Axis& a) { return a.key == key; });
      if (it == axes_.end()) {
        fail("cannot zip '" + key + "': there is no grid.axis." + key + " [" +
             grid_.at("zip")->origin + "]");
      } else if (used[static_cast<std::size_t>(it - axes_.begin())]) {
        fail("cannot zip '" + key + "' twice [" + grid_.at("zip")->origin + "]");
      } else {
        group.push_back(static_cast<std::size_t>(it - axes_.begin()));
        used[group.back()] = true;
      }
    }
    for (const auto a : group) {
      if (axes_[a].values.size() != axes_[group.front()].values.size()) {
        fail("cannot zip '" + axes_[group.front()].key + "' (" +
             std::to_string(axes_[group.front()].values.size()) + " values) with '" + axes_[a].key +
             "' (" + std::to_string(axes_[a].values.size()) +
             " values): zipped axes need as many values [" + grid_.at("zip")->origin + "]");
      }
    }
    if (!group.empty()) groups.push_back(group);
  }
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    if (!used[a]) groups.push_back({a});
  }
  std::sort(groups.begin(), groups.end());  // in axis order: the first axis varies slowest
  return groups;
}

ScenarioSpec StudyBuilder::scenario_of(const std::vector<long>& index) const {
  ScenarioSpec spec{"", index, {}};
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    const auto& axis = axes_[a];
    const auto k = static_cast<std::size_t>(index[a]);
    spec.name += (spec.name.empty() ? "" : ", ") + axis.key + "=" + axis.labels[k];
  }
  return spec;
}

std::vector<JobEntry> StudyBuilder::overrides_of(const ScenarioSpec& spec) const {
  if (study_.mode == "list") return spec.overrides;
  // Grid scenarios: made when the scenario is built, not kept for every scenario.
  std::vector<JobEntry> overrides;
  for (std::size_t a = 0; a < axes_.size(); ++a) {
    const auto& axis = axes_[a];
    const auto k = static_cast<std::size_t>(spec.index[a]);
    overrides.push_back(
        {axis.key, axis.values[k],
         axis.origin + " value " + std::to_string(k + 1) + " ('" + axis.labels[k] + "')", true});
  }
  return overrides;
}

void StudyBuilder::product_scenarios() {
  const auto groups = factors();
  if (!problems_.empty()) return;
  std::size_t total = 1;
  for (const auto& g : groups) {
    total *= axes_[g.front()].values.size();
    if (total > kMaxScenarios)
      return fail("cannot build the grid: more than " + std::to_string(kMaxScenarios) +
                  " scenarios [" + source_.path + "]");
  }
  for (std::size_t s = 0; s < total; ++s) {
    std::vector<long> index(axes_.size(), 0);
    std::size_t rest = s;
    for (auto g = groups.rbegin(); g != groups.rend(); ++g) {  // the last axis varies fastest
      const std::size_t n = axes_[g->front()].values.size();
      for (const auto a : *g) index[a] = static_cast<long>(rest % n);
      rest /= n;
    }
    specs_.push_back(scenario_of(index));
  }
}

void StudyBuilder::one_at_a_time_scenarios() {
  std::vector<long> base(axes_.size(), 0);
  specs_.push_back(scenario_of(base));
  specs_.back().name = "baseline";
  const auto groups = factors();
  if (!problems_.empty()) return;
  for (const auto& g : groups) {
    for (std::size_t k = 1; k < axes_[g.front()].values.size(); ++k) {
      auto index = base;
      for (const auto a : g) index[a] = static_cast<long>(k);
      auto spec = scenario_of(index);
      spec.name.clear();
      for (const auto a : g)
        spec.name += (spec.name.empty() ? "" : ", ") + axes_[a].key + "=" + axes_[a].labels[k];
      specs_.push_back(spec);
    }
  }
}

void StudyBuilder::list_scenarios() {
  std::vector<std::string> keys;
  for (const auto& name : listed_order_) {
    for (const auto* entry : listed_.at(name)) {
      const std::string key = entry->key.substr(10 + name.size());
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
  }
  for (const auto& key : keys) axes_.push_back({key, "", {}, {}});
  for (const auto& name : listed_order_) {
    ScenarioSpec spec{name, std::vector<long>(axes_.size(), -1), {}};
    for (const auto* entry : listed_.at(name)) {
      const std::string key = entry->key.substr(10 + name.size());
      const auto a =
          static_cast<std::size_t>(std::find(keys.begin(), keys.end(), key) - keys.begin());
      spec.index[a] = static_cast<long>(axes_[a].values.size());
      axes_[a].values.push_back(entry->value);
      axes_[a].labels.push_back(trim(entry->value));
      spec.overrides.push_back(
          {key, entry->value, entry->origin + " (scenario '" + name + "')", true});
    }
    specs_.push_back(spec);
  }
}

void StudyBuilder::build_scenarios() {
  // Every scenario reads the same files: read each once.
  auto cache = std::make_shared<std::map<std::string, std::string>>();
  const FileReader read = source_.read_file;
  base_.read_file = [cache, read](const std::string& path) {
    const auto it = cache->find(path);
    if (it != cache->end()) return it->second;
    return (*cache)[path] = read ? read(path) : read_whole_file(path);
  };
  ScenarioCache shared;  // one Job, and one ModelSetup per distinct model settings
  std::map<std::string, std::vector<std::string>> failed;  // problem -> scenarios with it
  std::vector<std::string> order;
  for (std::size_t s = 0; s < specs_.size(); ++s) {
    JobSource source = base_;
    const auto overrides = overrides_of(specs_[s]);
    source.entries.insert(source.entries.end(), overrides.begin(), overrides.end());
    if (!study_.common_random_numbers) source.stream_salt = "#scenario " + std::to_string(s);
    try {
      study_.scenarios.push_back(build_scenario(source, &shared));
    } catch (const ConfigError& e) {
      study_.scenarios.push_back(nullptr);
      for (const auto& problem : e.problems()) {
        if (failed[problem].empty()) order.push_back(problem);
        failed[problem].push_back(specs_[s].name);
      }
    }
  }
  for (const auto& problem : order) {
    const auto& names = failed[problem];
    if (names.size() == specs_.size() && specs_.size() > 1) {
      fail(problem + " (every scenario)");
    } else if (specs_.size() == 1) {
      fail(problem);
    } else {
      std::string which = "'" + names.front() + "'";
      if (names.size() > 1) which += " and " + std::to_string(names.size() - 1) + " more";
      fail(problem + " (scenario " + which + ")");
    }
  }
}

StudyPtr StudyBuilder::build() {
  split_entries();
  read_settings();
  if (!problems_.empty()) throw ConfigError(problems_);
  if (study_.mode == "product") product_scenarios();
  if (study_.mode == "oat") one_at_a_time_scenarios();
  if (study_.mode == "list") list_scenarios();
  if (study_.mode == "single") specs_.push_back({"baseline", {}, {}});
  for (const auto& axis : axes_) {
    if (axis.key.rfind("inputs.", 0) != 0 && axis.key.rfind("model.", 0) != 0) {
      fail("cannot vary '" + axis.key +
           "' between scenarios: only inputs.* and model.* keys may differ [" + source_.path + "]");
    }
  }
  if (!problems_.empty()) throw ConfigError(problems_);
  build_scenarios();
  if (!problems_.empty()) throw ConfigError(problems_);
  const auto& base_outputs = study_.scenarios.front()->model->outputs();
  for (std::size_t s = 1; s < study_.scenarios.size(); ++s) {
    const auto& outputs = study_.scenarios[s]->model->outputs();
    const bool same = outputs.size() == base_outputs.size() &&
                      std::equal(outputs.begin(), outputs.end(), base_outputs.begin(),
                                 [](const auto& a, const auto& b) { return a.name == b.name; });
    if (!same) {
      fail("cannot compare scenario '" + specs_[s].name + "' with '" + specs_.front().name +
           "': their models have different outputs (" + std::to_string(outputs.size()) + " vs " +
           std::to_string(base_outputs.size()) +
           "); every scenario must report the same outputs [" + source_.path + "]");
    }
  }
  if (!problems_.empty()) throw ConfigError(problems_);
  for (const auto& axis : axes_) study_.axis_keys.push_back(axis.key);
  for (const auto& spec : specs_) {
    study_.scenario_names.push_back(spec.name);
    std::vector<std::string> text, label;
    for (std::size_t a = 0; a < axes_.size(); ++a) {
      const long k = spec.index[a];
      text.push_back(k < 0 ? "" : axes_[a].values[static_cast<std::size_t>(k)]);
      label.push_back(k < 0 ? "" : axes_[a].labels[static_cast<std::size_t>(k)]);
    }
    study_.value_text.push_back(text);
    study_.value_label.push_back(label);
  }
  return std::make_shared<const Study>(std::move(study_));
}

}  // namespace

StudyPtr build_study(const JobSource& source) { return StudyBuilder(source).build(); }

ShardRange shard_range(std::size_t n_scenarios, std::size_t index, std::size_t count) noexcept {
  const std::size_t base = n_scenarios / count, extra = n_scenarios % count;
  const std::size_t first = index * base + std::min(index, extra);
  return {first, first + base + (index < extra ? 1 : 0)};
}

}  // namespace costsweep::study
