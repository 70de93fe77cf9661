#include "study/model_settings.hpp"

#include <filesystem>

#include "core/checksum/sha256.hpp"
#include "core/errors/errors.hpp"
#include "study/csv.hpp"
#include "study/detail/text.hpp"

namespace costsweep::study {
namespace {

using models::ParameterKind;
using models::ParameterSpec;

bool matches(const ParameterSpec& spec, const std::string& name) {
  return spec.is_prefix ? name.rfind(spec.name, 0) == 0 && name.size() > spec.name.size()
                        : name == spec.name;
}

std::string resolve_path(const JobSource& source, const std::string& value) {
  const std::filesystem::path path(value);
  if (path.is_absolute()) return value;
  return (std::filesystem::path(source.path).parent_path() / path).lexically_normal().string();
}

/// Checks one set value; loads its table. Returns false when it is unusable.
bool check_value(const ParameterSpec& spec, const std::string& name, const std::string& value,
                 const std::string& where, const JobSource& source, ModelSettings& settings,
                 std::vector<std::string>& problems) {
  if (spec.kind == ParameterKind::kNumber && !detail::parse_number(value)) {
    problems.push_back("cannot use model." + name + " '" + value + "': expected a finite number [" +
                       where + ", key model." + name + "]");
    return false;
  }
  if (spec.kind != ParameterKind::kTable) return true;
  const std::string path = resolve_path(source, value);
  try {
    const std::string text = source.read_file ? source.read_file(path) : read_whole_file(path);
    settings.config.tables[name] = parse_csv(path, text);
    settings.files.push_back({"model." + name, path, text, sha256_hex(text)});
  } catch (const InputError& e) {
    problems.push_back(std::string(e.what()) + " [" + where + ", key model." + name + "]");
    return false;
  }
  return true;
}

}  // namespace

bool accepts_model_key(const models::ModelInfo& info, const std::string& name) {
  for (const auto& spec : info.parameters) {
    if (matches(spec, name)) return true;
  }
  return false;
}

ModelSettings resolve_model_settings(const models::ModelInfo& info,
                                     const std::map<std::string, const JobEntry*>& effective,
                                     const JobSource& source, std::vector<std::string>& problems) {
  ModelSettings settings;
  for (const auto& spec : info.parameters) {
    if (!spec.is_prefix && !spec.default_value.empty()) {
      settings.config.values[spec.name] = spec.default_value;
    }
  }
  for (const auto& [key, entry] : effective) {
    if (key.rfind("model.", 0) != 0) continue;
    const std::string name = key.substr(6);
    for (const auto& spec : info.parameters) {
      if (!matches(spec, name)) continue;
      const std::string value = detail::trim(entry->value);
      if (value.empty()) break;  // `key =` leaves the setting at its default
      if (check_value(spec, name, value, entry->origin, source, settings, problems)) {
        settings.config.values[name] = value;
        settings.config.origins[name] = entry->origin;
      } else {
        settings.config.unusable.insert(name);
      }
      break;
    }
  }
  for (const auto& spec : info.parameters) {
    if (spec.required && settings.config.values.count(spec.name) == 0 &&
        settings.config.unusable.count(spec.name) == 0) {
      problems.push_back("cannot build model '" + info.name + "': model." + spec.name +
                         " is required (" + spec.description + ") [" + source.path + "]");
    }
  }
  return settings;
}

}  // namespace costsweep::study
