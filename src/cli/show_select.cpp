// Which scenarios, outputs and measures `costsweep show` prints.
#include <algorithm>
#include <cctype>

#include "cli/show.hpp"
#include "cli/show_tables.hpp"
#include "core/errors/errors.hpp"

namespace costsweep::cli {
namespace {

/// Whether text matches pattern, where '*' matches any run of characters (nothing else is
/// special: output names hold brackets and dots).
bool matches(const std::string& pattern, const std::string& text) {
  std::size_t p = 0, t = 0, star = std::string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string listing(const std::vector<std::string>& names) {
  std::string text;
  const std::size_t shown = std::min<std::size_t>(names.size(), 12);
  for (std::size_t i = 0; i < shown; ++i) text += (i == 0 ? "'" : ", '") + names[i] + "'";
  if (names.size() > shown) text += ", ... (" + std::to_string(names.size()) + " in all)";
  return text;
}

/// Indices of names matched by any pattern (all when there are none), in file order. A pattern
/// that is a whole number also selects that index + offset. Unmatched patterns are problems.
std::vector<std::size_t> pick(const std::vector<std::string>& names,
                              const std::vector<std::string>& patterns, std::int64_t offset,
                              const std::string& what, std::vector<std::string>& problems) {
  std::vector<bool> chosen(names.size(), patterns.empty());
  for (const auto& pattern : patterns) {
    bool found = false;
    const bool number = !pattern.empty() && offset >= 0 &&
                        std::all_of(pattern.begin(), pattern.end(),
                                    [](unsigned char c) { return std::isdigit(c) != 0; });
    for (std::size_t i = 0; i < names.size(); ++i) {
      const bool by_index = number && pattern.size() < 19 &&
                            std::stoll(pattern) == static_cast<std::int64_t>(i) + offset;
      if (by_index || matches(pattern, names[i])) chosen[i] = found = true;
    }
    if (!found) {
      problems.push_back("cannot show " + what + " '" + pattern + "': the file has no such " +
                         what + " (" + what + "s: " + listing(names) + ")");
    }
  }
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (chosen[i]) picked.push_back(i);
  }
  return picked;
}

}  // namespace

ShowSelection select(const io::ResultTables& t, const ShowOptions& options) {
  std::vector<std::string> problems;
  ShowSelection selection;
  selection.scenarios =
      pick(t.scenario_names, options.scenarios, t.first_scenario, "scenario", problems);
  selection.outputs = pick(t.output_names, options.outputs, -1, "output", problems);
  const bool scenarios = t.n_scenarios() > 1 || !t.axis_keys.empty();
  std::vector<std::string> columns = {"count", "mean", "sd", "se", "min"};
  for (const double p : t.quantile_levels) columns.push_back(level_column(p));
  columns.push_back("max");
  if (scenarios) columns.insert(columns.end(), {"diff_mean", "diff_se"});
  const auto tables = show_tables();
  if (options.stats.empty()) {
    selection.columns = columns;
    for (const auto& table : tables) selection.tables.push_back(&table);
  } else {
    std::vector<std::string> allowed = columns;
    for (const auto& table : tables) allowed.emplace_back(table.name);
    std::vector<bool> chosen(tables.size(), false);
    for (auto stat : options.stats) {
      std::transform(stat.begin(), stat.end(), stat.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      const auto table =
          std::find_if(tables.begin(), tables.end(),
                       [&](const ShowTable& candidate) { return candidate.name == stat; });
      if (table != tables.end()) {
        chosen[static_cast<std::size_t>(table - tables.begin())] = true;
      } else if (std::find(columns.begin(), columns.end(), stat) != columns.end()) {
        if (std::find(selection.columns.begin(), selection.columns.end(), stat) ==
            selection.columns.end()) {
          selection.columns.push_back(stat);
        }
      } else {
        problems.push_back("cannot show stat '" + stat + "': expected one of " + listing(allowed) +
                           " (quantiles are those the file stores)");
      }
    }
    for (std::size_t i = 0; i < tables.size(); ++i) {
      if (chosen[i]) selection.tables.push_back(&tables[i]);
    }
  }
  if (!problems.empty()) throw ConfigError(problems);
  return selection;
}

}  // namespace costsweep::cli
