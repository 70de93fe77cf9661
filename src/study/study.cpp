#include "study/study.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>

#include "core/random/philox_stream.hpp"
#include "study/sha256.hpp"

namespace costsweep::study {
namespace {

std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(first, last - first + 1));
}

std::optional<double> parse_number(const std::string& text) {
  double value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

/// A whole number written as digits or as an exact float literal (1e6), in [lo, hi].
std::optional<std::uint64_t> parse_whole(const std::string& text, std::uint64_t lo,
                                         std::uint64_t hi) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc() && ptr == end) {
    if (value < lo || value > hi) return std::nullopt;
    return value;
  }
  const auto number = parse_number(text);
  if (!number || *number != std::floor(*number) || *number < static_cast<double>(lo) ||
      *number > static_cast<double>(hi) || *number >= 0x1.0p64) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*number);
}

std::optional<bool> parse_bool(const std::string& text) {
  std::string lower;
  for (const char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "yes" || lower == "true" || lower == "on" || lower == "1") return true;
  if (lower == "no" || lower == "false" || lower == "off" || lower == "0") return false;
  return std::nullopt;
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

/// Collects the problems of a job and resolves what is valid.
class Builder {
 public:
  explicit Builder(const JobSource& source) : source_(source) {}
  StudyPtr build();

 private:
  void collect_entries();
  void problem(const std::string& key, const std::string& reason);
  std::string value_of(const std::string& key) const;
  void resolve_job_settings(Study& study);
  void resolve_model(Study& study);
  void resolve_inputs(Study& study);
  void resolve_quantiles(Study& study);
  void resolve_output(Study& study);
  void check_unknown_keys(const Study& study);

  const JobSource& source_;
  std::map<std::string, const JobEntry*> effective_;
  std::vector<std::string> problems_;
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

void Builder::resolve_job_settings(Study& study) {
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
  const std::string save = value_of("job.save_samples");
  if (const auto flag = parse_bool(save)) {
    study.save_samples = *flag;
  } else {
    problem("job.save_samples", "cannot use save_samples '" + save + "': expected yes or no");
  }
}

void Builder::resolve_model(Study& study) {
  study.model_name = value_of("job.model");
  const auto* info = models::find_model(study.model_name);
  if (info == nullptr) {
    std::vector<std::string> names;
    for (const auto& m : models::registry()) names.push_back(m.name);
    problem("job.model",
            study.model_name.empty()
                ? "cannot build model: job.model is required (models: " + join(names) + ")"
                : "cannot build model '" + study.model_name +
                      "': unknown model (models: " + join(names) + ")");
    return;
  }
  for (const auto& p : info->parameters) {
    const std::string key = "model." + p.name;
    const std::string text = value_of(key);
    const auto value = text.empty() ? std::optional<double>(p.default_value) : parse_number(text);
    if (!value) {
      // Reported; the default stands in so the inputs can still be checked.
      problem(key, "cannot use model parameter '" + text + "': expected a finite number");
    }
    study.model_parameters[p.name] = value.value_or(p.default_value);
  }
  try {
    study.model = info->make(study.model_parameters);
  } catch (const InputError& e) {
    problem("job.model", e.what());
  }
}

void Builder::resolve_inputs(Study& study) {
  for (const auto& input : study.model->inputs()) {
    const std::string key = "inputs." + input.name;
    std::string spec = value_of(key);
    if (spec.empty()) spec = input.default_spec;
    try {
      study.inputs.push_back({input.name, spec, dist::parse(spec), random::stream_id(key)});
    } catch (const dist::SpecError& e) {
      problem(key, e.what());
    }
  }
}

void Builder::resolve_quantiles(Study& study) {
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
  study.quantile_levels.assign(levels.begin(), levels.end());
}

void Builder::resolve_output(Study& study) {
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

void Builder::check_unknown_keys(const Study& study) {
  std::set<std::string> allowed;
  for (const auto& doc : job_keys()) allowed.insert(doc.key);
  std::vector<std::string> inputs, parameters;
  if (study.model) {
    for (const auto& in : study.model->inputs()) inputs.push_back(in.name);
    for (const auto& [name, value] : study.model_parameters) parameters.push_back(name);
  }
  for (const auto& [key, entry] : effective_) {
    if (allowed.count(key) != 0) continue;
    const auto dot = key.find('.');
    const std::string section = key.substr(0, dot), name = key.substr(dot + 1);
    const auto& names = section == "inputs" ? inputs : parameters;
    if ((section == "inputs" || section == "model") && !study.model) continue;
    if ((section == "inputs" || section == "model") &&
        std::find(names.begin(), names.end(), name) != names.end()) {
      continue;
    }
    std::string allowed_here;
    if (section == "inputs") {
      allowed_here = "inputs of " + study.model_name + ": " + join(inputs);
    } else if (section == "model") {
      allowed_here = "parameters of " + study.model_name + ": " + join(parameters);
    } else if (section == "job") {
      std::vector<std::string> job_names;
      for (const auto& doc : job_keys()) job_names.push_back(doc.key);
      allowed_here = "keys of [job]: " + join(job_names);
    } else {
      allowed_here = "sections [job], [model], [inputs]; see costsweep --help";
    }
    problem(key, "cannot use key '" + key + "': unknown key (" + allowed_here + ")");
  }
}

StudyPtr Builder::build() {
  auto study = std::make_shared<Study>();
  study->job_path = source_.path;
  study->job_text = source_.text;
  study->job_sha256 = sha256_hex(source_.text);
  collect_entries();
  resolve_job_settings(*study);
  resolve_model(*study);
  if (study->model) resolve_inputs(*study);
  resolve_quantiles(*study);
  resolve_output(*study);
  check_unknown_keys(*study);
  if (!problems_.empty()) throw ConfigError(problems_);
  for (const auto& doc : job_keys()) study->settings[doc.key] = value_of(doc.key);
  study->settings["job.output"] = study->output_path;
  for (const auto& [name, value] : study->model_parameters) {
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;  // shortest round trip
    study->settings["model." + name] = std::string(text, end);
  }
  for (const auto& input : study->inputs) study->settings["inputs." + input.name] = input.spec;
  return study;
}

}  // namespace

StudyPtr build_study(const JobSource& source) { return Builder(source).build(); }

}  // namespace costsweep::study
