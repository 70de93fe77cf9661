#include "cli/show.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cli/show_tables.hpp"
#include "core/errors/errors.hpp"
#include "io/layout.hpp"
#include "io/result_reader.hpp"

namespace costsweep::cli {
namespace {

/// Column heading of a summary column: quantiles as P50, differences spelled out.
std::string column_title(const std::string& column) {
  if (column.size() > 1 && column[0] == 'p') return "P" + column.substr(1);
  if (column == "diff_mean") return "diff vs baseline";
  if (column == "diff_se") return "diff se";
  return column;
}

/// A CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (const char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string format_attribute(const io::AttributeValue& value) {
  if (const auto* s = std::get_if<std::string>(&value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&value)) return std::to_string(*u);
  return format_number(std::get<double>(value));
}

/// One summary cell of output o in scenario s by column name (see ShowOptions::stats): the
/// layout's [S, O] summary dataset of that name, or a quantile.
double summary_value(const io::ResultTables& t, std::size_t s, std::size_t o,
                     const std::string& column) {
  const std::size_t cell = s * t.n_outputs() + o, n_q = t.quantile_levels.size();
  for (const auto& spec : io::kDatasets) {
    if (spec.presence != io::Presence::kAlways || spec.rank != 2 || spec.csv_measure != column) {
      continue;
    }
    if (spec.integers != nullptr) return static_cast<double>((t.*spec.integers)[cell]);
    return (t.*spec.doubles)[cell];
  }
  for (std::size_t q = 0; q < n_q; ++q) {
    if (column == level_column(t.quantile_levels[q])) return t.quantiles[cell * n_q + q];
  }
  return std::nan("");
}

}  // namespace

std::string level_column(double p) {
  char text[32];
  std::snprintf(text, sizeof text, "p%g", 100.0 * p);
  return text;
}

void print_summary(const io::ResultTables& t, const ShowSelection& selection, std::FILE* out,
                   std::size_t max_scenarios) {
  const bool scenarios = t.n_scenarios() > 1 || !t.axis_keys.empty();
  const std::size_t shown_scenarios = std::min(selection.scenarios.size(), max_scenarios);
  for (std::size_t k = 0; k < shown_scenarios; ++k) {
    const std::size_t s = selection.scenarios[k];
    const auto global = static_cast<std::int64_t>(s) + t.first_scenario;
    if (scenarios) {
      std::fprintf(out, "%sscenario %lld: %s%s\n", k == 0 ? "" : "\n",
                   static_cast<long long>(global), t.scenario_names[s].c_str(),
                   global == t.baseline ? " (baseline)" : "");
    }
    if (!selection.columns.empty()) {
      std::vector<std::vector<std::string>> rows;
      std::vector<std::string> header = {"output", "unit"};
      for (const auto& column : selection.columns) header.push_back(column_title(column));
      rows.push_back(header);
      for (const auto o : selection.outputs) {
        // Fractions read better as percentages; the file keeps fractions.
        const bool percent = t.output_units[o] == "fraction";
        std::vector<std::string> row = {t.output_names[o], percent ? "%" : t.output_units[o]};
        for (const auto& column : selection.columns) {
          const double value = summary_value(t, s, o, column);
          row.push_back(column == "count" ? std::to_string(t.count[s * t.n_outputs() + o])
                                          : format_number(percent ? 100.0 * value : value));
        }
        rows.push_back(row);
      }
      print_rows(rows, out);
    }
    for (const auto* table : selection.tables) table->print(t, s, selection.outputs, out);
  }
  if (selection.scenarios.size() > max_scenarios) {
    std::fprintf(out, "\n... and %zu more scenarios (costsweep show lists them all)\n",
                 selection.scenarios.size() - max_scenarios);
  }
}

void print_csv(const io::ResultTables& t, const ShowSelection& selection, std::FILE* out) {
  std::fprintf(out, "scenario,output,unit,measure,about,value\n");
  const auto row = [&](std::size_t s, std::size_t o, const std::string& measure,
                       const std::string& about, double value) {
    char number[40];
    std::snprintf(number, sizeof number, "%.17g", value);
    std::fprintf(out, "%s,%s,%s,%s,%s,%s\n", csv_field(t.scenario_names[s]).c_str(),
                 csv_field(t.output_names[o]).c_str(), csv_field(t.output_units[o]).c_str(),
                 measure.c_str(), csv_field(about).c_str(), number);
  };
  // The selected measures' tables, in show_tables()' order: a family's [S, O] rows of the
  // layout, then per group or input its [S, O, X] rows in the layout's order.
  const auto extents = io::Extents::of(t, false);
  for (const auto s : selection.scenarios) {
    for (const auto o : selection.outputs) {
      const std::size_t cell = s * t.n_outputs() + o;
      for (const auto& column : selection.columns)
        row(s, o, column, "", summary_value(t, s, o, column));
      for (const auto* table : selection.tables) {
        const io::Presence family = table->family;
        if (!extents.has(family)) continue;
        for (const auto& spec : io::kDatasets) {
          if (spec.presence == family && spec.rank == 2 && !spec.csv_measure.empty()) {
            row(s, o, std::string(spec.csv_measure), "", (*io::float_values(spec, t))[cell]);
          }
        }
        const io::DatasetSpec* along = nullptr;  // the family's [S, O, X] datasets share X
        for (const auto& spec : io::kDatasets) {
          if (spec.presence == family && spec.rank == 3 && !spec.csv_measure.empty()) along = &spec;
        }
        if (along == nullptr) continue;
        const auto& names = *io::names_along(along->dim_list[2], t);
        for (std::size_t x = 0; x < names.size(); ++x) {
          if (table->leaves_out != nullptr && table->leaves_out(t, cell, x)) continue;
          for (const auto& spec : io::kDatasets) {
            if (spec.presence != family || spec.rank != 3 || spec.csv_measure.empty()) continue;
            row(s, o, std::string(spec.csv_measure), names[x],
                (*io::float_values(spec, t))[cell * names.size() + x]);
          }
        }
      }
    }
  }
}

int show_result(const std::string& path, const ShowOptions& options, std::FILE* out) {
  // A file that is not a readable result is the user's input, as for merge and tools/report:
  // exit status 2.
  io::ResultFile result;
  try {
    result = io::read_result(path);
  } catch (const H5Error& e) {
    throw InputError(e.what());
  }
  ShowSelection selection;
  try {
    selection = select(result.tables, options);
  } catch (const ConfigError& e) {  // name the file each problem is about
    std::vector<std::string> problems;
    for (const auto& problem : e.problems()) problems.push_back(problem + " [" + path + "]");
    throw ConfigError(problems);
  }
  if (options.csv) {
    print_csv(result.tables, selection, out);
    return 0;
  }
  std::fprintf(out, "%s (costsweep result layout %lld)\n", path.c_str(),
               static_cast<long long>(result.layout_version));
  for (const char* key : {"title", "model", "job_path", "seed", "draws", "scenarios", "shard",
                          "common_random_numbers", "ranks", "block_size", "costsweep_version",
                          "git_commit", "start_time", "wall_seconds", "stopping"}) {
    const auto it = result.provenance.find(key);
    if (it != result.provenance.end()) {
      std::fprintf(out, "  %-18s %s\n", key, format_attribute(it->second).c_str());
    }
  }
  std::fprintf(out, "\n");
  print_summary(result.tables, selection, out, selection.scenarios.size());
  return 0;
}

}  // namespace costsweep::cli
