#include "models/table.hpp"

#include <algorithm>
#include <map>

#include "core/errors/errors.hpp"
#include "core/text/text.hpp"

namespace costsweep::models {
namespace {

using text::trim;

}  // namespace

std::optional<std::size_t> Table::column(const std::string& name) const {
  const auto it = std::find(columns.begin(), columns.end(), name);
  if (it == columns.end()) return std::nullopt;
  return static_cast<std::size_t>(it - columns.begin());
}

std::string Table::cell(std::size_t row, const std::string& name) const {
  const auto c = column(name);
  return c ? trim(rows.at(row).at(*c)) : std::string();
}

std::string Table::where(std::size_t row, const std::string& name) const {
  return path + " row " + std::to_string(row + 1) + " (line " + std::to_string(lines.at(row)) +
         "), column '" + name + "'";
}

std::vector<std::string> Table::repeated(const std::string& column_name) const {
  std::vector<std::string> messages;
  if (!column(column_name)) return messages;
  std::map<std::string, std::size_t> first;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const auto [it, added] = first.emplace(cell(r, column_name), r);
    if (!added) {
      messages.push_back("cannot read " + path + ": '" + it->first + "' has two rows (row " +
                         std::to_string(it->second + 1) + " and row " + std::to_string(r + 1) +
                         "); keep one [" + where(r, column_name) + "]");
    }
  }
  return messages;
}

std::string ModelConfig::text(const std::string& key, const std::string& fallback) const {
  const auto it = values.find(key);
  return it == values.end() || trim(it->second).empty() ? fallback : trim(it->second);
}

double ModelConfig::number(const std::string& key, double fallback) const {
  const std::string value = text(key);
  if (value.empty()) return fallback;
  const auto number = text::parse_number(value);
  if (!number) {
    throw ConfigError(
        {"cannot use model." + key + " '" + value + "': expected a finite number " + where(key)});
  }
  return *number;
}

std::vector<std::string> ModelConfig::keys_with_prefix(const std::string& prefix) const {
  std::vector<std::string> keys;
  for (const auto& [key, value] : values) {
    if (key.rfind(prefix, 0) == 0) keys.push_back(key);
  }
  return keys;
}

std::string ModelConfig::where(const std::string& key) const {
  const auto it = origins.find(key);
  return "[" + (it == origins.end() ? std::string("default") : it->second) + ", key model." + key +
         "]";
}

}  // namespace costsweep::models
