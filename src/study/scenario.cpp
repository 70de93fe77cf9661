#include "study/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <sstream>

#include "core/checksum/sha256.hpp"
#include "core/random/philox_stream.hpp"
#include "study/detail/text.hpp"
#include "study/sensitivity.hpp"

namespace costsweep::study {
namespace detail {

/// Distributions by spec text: parsed once per job, shared by every input that uses them.
struct SpecPool {
  std::map<std::string, dist::DistributionPtr, std::less<>> by_spec;
};

}  // namespace detail
namespace {

using detail::join;
using detail::parse_bool;
using detail::parse_number;
using detail::parse_whole;
using detail::trim;

/// Collects the problems of a job and resolves what is valid.
class Builder {
 public:
  Builder(const JobSource& source, ScenarioCache& cache) : source_(source), cache_(cache) {}
  ScenarioPtr build();

 private:
  void collect_entries();
  void problem(const std::string& key, const std::string& reason);
  std::string value_of(const std::string& key) const;
  JobPtr resolve_job();
  void resolve_job_settings(Job& job);
  ModelSetupPtr resolve_model(const std::string& model_name);
  void resolve_inputs(Scenario& scenario);
  void check_bounds(const models::InputSpec& input, const std::string& key,
                    const std::string& where, const std::string& spec,
                    const dist::Distribution& distribution);
  void check_ranges(const Scenario& scenario);
  void resolve_quantiles(Job& job);
  void check_plan(const Scenario& scenario);
  void resolve_output(Job& job);
  void check_unknown_keys(const std::string& model_name, const models::Model* model);

  const JobSource& source_;
  ScenarioCache& cache_;
  std::map<std::string, const JobEntry*> effective_;
  std::vector<std::string> problems_;
  bool bounds_failed_ = false;
  /// Bounds problems by setting and spec: the message's index and how many more inputs share it.
  std::map<std::string, std::pair<std::size_t, std::size_t>> bound_problems_;
};

void Builder::problem(const std::string& key, const std::string& reason) {
  const auto it = effective_.find(key);
  const std::string where = it != effective_.end() ? it->second->origin : source_.path;
  problems_.push_back(reason + " [" + where + ", key " + key + "]");
}

void Builder::collect_entries() {
  std::map<std::string, const JobEntry*> in_file;
  for (const auto& entry : source_.entries) {
    if (!entry.is_override) {
      const auto [it, added] = in_file.emplace(entry.key, &entry);
      if (!added) {
        problems_.push_back("cannot read " + entry.origin + ": duplicate key '" + entry.key +
                            "' (first set at " + it->second->origin + ")");
        continue;
      }
    }
    auto& effective = effective_[entry.key];
    // Command-line overrides win over the file whatever their order.
    if (effective == nullptr || entry.is_override || !effective->is_override) effective = &entry;
  }
}

std::string Builder::value_of(const std::string& key) const {
  const auto it = effective_.find(key);
  if (it != effective_.end()) return trim(it->second->value);
  for (const auto& doc : job_keys()) {
    if (doc.key == key) return doc.default_value;
  }
  return {};
}

void Builder::resolve_job_settings(Job& study) {
  study.title = value_of("job.title");
  const std::string draws = value_of("job.draws");
  if (const auto n = parse_whole(draws, 1, std::uint64_t{1} << 53)) {
    study.n_draws = *n;
  } else {
    problem("job.draws",
            "cannot use draws '" + draws + "': expected a whole number from 1 to 2^53");
  }
  const std::string block = value_of("job.block_size");
  if (const auto n = parse_whole(block, 1, std::uint64_t{1} << 20)) {
    study.block_size = *n;
  } else {
    problem("job.block_size",
            "cannot use block_size '" + block + "': expected a whole number from 1 to 1048576");
  }
  const std::string seed = value_of("job.seed");
  if (const auto n = parse_whole(seed, 0, ~std::uint64_t{0})) {
    study.seed = *n;
  } else {
    problem("job.seed", "cannot use seed '" + seed + "': expected a whole number from 0 to 2^64-1");
  }
  const std::string plan = value_of("job.plan");
  try {
    study.method = sampling::parse_method(plan);
  } catch (const InputError& e) {
    problem("job.plan", e.what());
  }
  if (study.method == sampling::Method::kSobol && study.n_draws > 0 &&
      (study.n_draws & (study.n_draws - 1)) != 0) {
    problem("job.draws", "cannot use draws '" + draws +
                             "' with the sobol plan: its points balance only in powers of two "
                             "(e.g. 65536 = 2^16)");
  }
  const std::string save = value_of("job.save_samples");
  if (const auto flag = parse_bool(save)) {
    study.save_samples = *flag;
  } else {
    problem("job.save_samples", "cannot use save_samples '" + save + "': expected yes or no");
  }
  study.statistics = value_of("job.statistics");
  if (study.statistics != "auto" && study.statistics != "memory" &&
      study.statistics != "streaming") {
    problem("job.statistics",
            "cannot use statistics '" + study.statistics + "': expected auto, memory or streaming");
  }
  const std::string limit = value_of("job.memory_limit");
  if (limit != "auto") {
    if (const auto bytes = detail::parse_size(limit)) {
      study.memory_limit_bytes = *bytes;
    } else {
      problem("job.memory_limit", "cannot use memory_limit '" + limit +
                                      "': expected auto or a size such as 4G, 512M or 1.5T "
                                      "(K, M, G, T: powers of 1024) from 1M");
    }
  }
  const std::string interval = value_of("job.checkpoint_interval");
  const auto seconds = detail::parse_number(interval);
  if (seconds && *seconds >= 0 && *seconds <= 1e7) {
    study.checkpoint_interval = *seconds;
  } else {
    problem("job.checkpoint_interval",
            "cannot use checkpoint_interval '" + interval +
                "': expected seconds from 0 (no checkpoints) to 1e7, e.g. 300");
  }
}

ModelSetupPtr Builder::resolve_model(const std::string& model_name) {
  const auto* info = models::find_model(model_name);
  if (info == nullptr) {
    std::vector<std::string> names;
    for (const auto& m : models::registry()) names.push_back(m.name);
    problem("job.model",
            model_name.empty()
                ? "cannot build model: job.model is required (models: " + join(names) + ")"
                : "cannot build model '" + model_name + "': unknown model (models: " + join(names) +
                      ")");
    return nullptr;
  }
  // Scenarios with the same model entries (value and origin) share one setup.
  std::string key;
  for (const auto& [name, entry] : effective_) {
    if (name.rfind("model.", 0) == 0)
      key += name + '\0' + entry->value + '\0' + entry->origin + '\0';
  }
  if (const auto it = cache_.setups.find(key); it != cache_.setups.end()) return it->second;
  const std::size_t problems_before = problems_.size();
  auto setup = std::make_shared<ModelSetup>();
  auto settings = resolve_model_settings(*info, effective_, source_, problems_);
  setup->config = std::move(settings.config);
  setup->data_files = std::move(settings.files);
  try {
    setup->model = info->make(setup->config);
  } catch (const ConfigError& e) {
    problems_.insert(problems_.end(), e.problems().begin(), e.problems().end());
  } catch (const InputError& e) {
    problem("job.model", e.what());
  }
  if (!setup->model) return nullptr;
  std::map<std::string, std::string> group_keys;
  for (const auto& [name, entry] : effective_) {
    if (name.rfind("sensitivity.group.", 0) == 0) group_keys[name] = entry->value;
  }
  setup->groups = resolve_groups(
      setup->model->inputs(), group_keys,
      [this](const std::string& k, const std::string& message) { problem(k, message); });
  if (problems_.size() == problems_before) cache_.setups.emplace(key, setup);
  return setup;
}

void Builder::resolve_inputs(Scenario& scenario) {
  auto& pool = *cache_.specs;
  scenario.inputs.reserve(scenario.model->inputs().size());
  for (const auto& input : scenario.model->inputs()) {
    // The most specific setting wins: the input itself, then its assumption, then the model.
    std::string key = "inputs." + input.name;
    std::string spec = value_of(key);
    if (spec.empty() && input.group != input.name) spec = value_of(key = "inputs." + input.group);
    std::string where;
    if (spec.empty()) {
      spec = input.default_spec;
      where = input.default_origin;
    }
    if (spec.empty()) {
      problems_.push_back("cannot draw input '" + input.name + "': no distribution; set inputs." +
                          input.group + " in the job [" + source_.path + "]");
      continue;
    }
    try {
      auto it = pool.by_spec.find(spec);
      if (it == pool.by_spec.end()) it = pool.by_spec.emplace(spec, dist::parse(spec)).first;
      check_bounds(input, key, where, spec, *it->second);
      scenario.inputs.push_back(
          {&input, &*it, random::stream_id("inputs." + input.name + source_.stream_salt)});
    } catch (const dist::SpecError& e) {
      if (where.empty()) {
        problem(key, e.what());
      } else {
        problems_.push_back(std::string(e.what()) + " [" + where + "]");
      }
    }
  }
  for (const auto& [setting, where] : bound_problems_) {
    const auto [index, more] = where;
    if (more == 0) continue;
    auto& message = problems_[index];
    const auto bracket = message.rfind(" [");
    message.insert(bracket == std::string::npos ? message.size() : bracket,
                   " (and " + std::to_string(more) + " more inputs it sets)");
  }
  bound_problems_.clear();
}

void Builder::check_bounds(const models::InputSpec& input, const std::string& key,
                           const std::string& where, const std::string& spec,
                           const dist::Distribution& distribution) {
  const double lower = distribution.support_lower(), upper = distribution.support_upper();
  const bool fixed = distribution.is_fixed();
  const auto& bounds = input.bounds;
  if (bounds.admits(lower, upper, fixed)) return;
  std::ostringstream reason;
  reason << "cannot use " << key << " '" << spec << "': ";
  // Only an unbounded family may put a (negligible) tail above the upper bound.
  const bool only_above = bounds.admits(lower, lower, fixed) && !fixed && std::isinf(upper);
  if (only_above && bounds.tolerated_tail > 0) {
    const double above = distribution.sf(bounds.upper);
    if (above <= bounds.tolerated_tail) return;
    reason << "P(value > " << bounds.upper << ") = " << above << ", above the "
           << bounds.tolerated_tail << " allowed outside " << bounds.describe() << " ("
           << input.name << (input.description.empty() ? "" : ": " + input.description)
           << "); narrow it or bound it, e.g. truncate(" << spec << ", " << bounds.lower << ", "
           << bounds.upper << ")";
  } else {
    reason << (lower == upper ? "the value " : "its values reach ")
           << (bounds.admits(lower, lower, fixed) ? upper : lower) << ", outside "
           << bounds.describe() << " (" << input.name
           << (input.description.empty() ? "" : ": " + input.description) << ")";
  }
  bounds_failed_ = true;
  // One message per setting: an assumption's every input has the same problem.
  auto [it, first] = bound_problems_.try_emplace(key + '\0' + spec, problems_.size(), 0);
  if (!first) {
    ++it->second.second;
    return;
  }
  if (where.empty()) {
    problem(key, reason.str());
  } else {
    problems_.push_back(reason.str() + " [" + where + "]");
  }
}

void Builder::check_ranges(const Scenario& study) {
  if (bounds_failed_ || study.inputs.size() != study.model->inputs().size()) return;
  std::vector<models::InputRange> ranges;
  for (const auto& input : study.inputs) {
    ranges.push_back(
        {input.distribution()->support_lower(), input.distribution()->support_upper()});
  }
  for (const auto& message : study.model->check_ranges(ranges)) {
    problems_.push_back(message.back() == ']' ? message : message + " [" + source_.path + "]");
  }
}

void Builder::check_plan(const Scenario& study) {
  const Job& job = study.job();
  const std::size_t dimensions = study.inputs.size() * (job.sensitivity.sobol ? 2 : 1);
  if (job.method == sampling::Method::kSobol && dimensions > sampling::kSobolDimensions) {
    problem("job.plan", "cannot use the sobol plan for " + std::to_string(dimensions) +
                            " dimensions (inputs, twice with sensitivity.sobol): it has " +
                            std::to_string(sampling::kSobolDimensions) +
                            " dimensions; use mc or lhs");
  }
  check_measures(
      study, [this](const std::string& key, const std::string& message) { problem(key, message); });
}

void Builder::resolve_quantiles(Job& study) {
  const std::size_t problems_before = problems_.size();
  std::string text = value_of("job.quantiles");
  std::replace(text.begin(), text.end(), ',', ' ');
  std::istringstream words(text);
  std::string word;
  std::set<double> levels;
  while (words >> word) {
    const auto level = parse_number(word);
    if (!level || *level < 0.0 || *level > 1.0) {
      problem("job.quantiles",
              "cannot use quantile level '" + word + "': expected a number in [0, 1]");
    } else if (!levels.insert(*level).second) {
      problem("job.quantiles", "cannot use quantile level '" + word + "': listed twice");
    }
  }
  if (levels.empty() && problems_.size() == problems_before) {
    problem("job.quantiles", "cannot use quantiles '" + value_of("job.quantiles") +
                                 "': expected at least one level in [0, 1], e.g. 0.05 0.5 0.95");
  }
  study.quantile_levels.assign(levels.begin(), levels.end());
}

void Builder::resolve_output(Job& study) {
  namespace fs = std::filesystem;
  std::string path = value_of("job.output");
  if (path.empty() || path == "<job name>.h5") {
    path = fs::path(source_.path).stem().string() + ".h5";
  }
  study.output_path = path;
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    problem("job.output", "cannot write result file '" + path + "': folder '" + parent.string() +
                              "' does not exist");
  } else if (fs::is_directory(path, ec)) {
    problem("job.output", "cannot write result file '" + path + "': it is a folder");
  }
}

void Builder::check_unknown_keys(const std::string& model_name, const models::Model* model) {
  std::set<std::string> allowed, groups;
  for (const auto& doc : job_keys()) allowed.insert(doc.key);
  const auto* info = models::find_model(model_name);
  if (model != nullptr) {
    for (const auto& in : model->inputs()) {
      allowed.insert("inputs." + in.name);
      groups.insert(in.group);
    }
    for (const auto& group : groups) allowed.insert("inputs." + group);
  }
  for (const auto& [key, entry] : effective_) {
    if (allowed.count(key) != 0) continue;
    const auto dot = key.find('.');
    const std::string section = key.substr(0, dot), name = key.substr(dot + 1);
    if (section == "model" && info != nullptr && accepts_model_key(*info, name)) continue;
    if (key.rfind("sensitivity.group.", 0) == 0 && key.size() > 18) continue;
    // Without a model, its inputs cannot be checked; the model problem is reported already.
    if ((section == "inputs" || section == "model") && model == nullptr) continue;
    std::string allowed_here;
    if (section == "inputs") {
      allowed_here = "assumptions of this " + model_name +
                     " job: " + join(std::vector<std::string>(groups.begin(), groups.end()));
    } else if (section == "model") {
      std::vector<std::string> names;
      for (const auto& p : info->parameters)
        names.push_back(p.is_prefix ? p.name + "<name>" : p.name);
      allowed_here = "settings of " + model_name + ": " + join(names);
    } else if (section == "sensitivity") {
      std::vector<std::string> names;
      for (const auto& doc : job_keys()) {
        if (doc.key.rfind("sensitivity.", 0) == 0) names.push_back(doc.key.substr(12));
      }
      names.push_back("group.<name>");
      allowed_here = "keys of [sensitivity]: " + join(names);
    } else if (section == "job") {
      std::vector<std::string> job_names;
      for (const auto& doc : job_keys()) {
        if (doc.key.rfind("job.", 0) == 0) job_names.push_back(doc.key);
      }
      allowed_here = "keys of [job]: " + join(job_names);
    } else {
      allowed_here =
          "sections [job], [model], [inputs], [sensitivity], [grid]; see costsweep --help";
    }
    problem(key, "cannot use key '" + key + "': unknown key (" + allowed_here + ")");
  }
}

JobPtr Builder::resolve_job() {
  if (cache_.job) return cache_.job;
  const std::size_t problems_before = problems_.size();
  auto job = std::make_shared<Job>();
  job->path = source_.path;
  job->text = source_.text;
  job->sha256 = sha256_hex(source_.text);
  job->model_name = value_of("job.model");
  resolve_job_settings(*job);
  resolve_quantiles(*job);
  job->sensitivity = resolve_measures(
      [this](const std::string& key) { return value_of(key); },
      [this](const std::string& key, const std::string& message) { problem(key, message); }, *job);
  resolve_output(*job);
  for (const auto& doc : job_keys()) job->settings[doc.key] = value_of(doc.key);
  job->settings["job.output"] = job->output_path;
  job->specs = cache_.specs;
  if (problems_.size() == problems_before) cache_.job = job;
  return job;
}

ScenarioPtr Builder::build() {
  if (!cache_.specs) cache_.specs = std::make_shared<detail::SpecPool>();
  collect_entries();
  auto scenario = std::make_shared<Scenario>();
  scenario->shared_job = resolve_job();
  scenario->setup = resolve_model(scenario->job().model_name);
  if (scenario->setup) {
    scenario->model = scenario->setup->model;
    resolve_inputs(*scenario);
    check_ranges(*scenario);
  }
  check_plan(*scenario);
  check_unknown_keys(scenario->job().model_name, scenario->model.get());
  if (!problems_.empty()) throw ConfigError(problems_);
  return scenario;
}

}  // namespace

ScenarioPtr build_scenario(const JobSource& source, ScenarioCache* cache) {
  ScenarioCache own;
  return Builder(source, cache != nullptr ? *cache : own).build();
}

std::map<std::string, std::string> effective_settings(const Scenario& scenario) {
  auto settings = scenario.job().settings;
  for (const auto& [name, value] : scenario.model_config().values) {
    settings["model." + name] = value;
  }
  for (const auto& input : scenario.inputs) {
    settings["inputs." + input.name()] = input.spec();
  }
  return settings;
}

}  // namespace costsweep::study
