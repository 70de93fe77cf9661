#include "cli/show.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/errors/errors.hpp"
#include "io/layout.hpp"
#include "io/result_reader.hpp"

namespace costsweep::cli {
namespace {

std::string format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
}

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

void print_rows(const std::vector<std::vector<std::string>>& rows, std::FILE* out) {
  std::vector<std::size_t> width;
  for (const auto& row : rows) {
    width.resize(std::max(width.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(width[c] - row[c].size(), ' ');
      line += c == 0 ? row[c] + pad : "  " + pad + row[c];  // names left, numbers right
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
}

/// Scenario s's Sobol indices: per output, the groups by decreasing total index.
void print_sobol(const io::ResultTables& t, std::size_t s, const std::vector<std::size_t>& outputs,
                 std::FILE* out) {
  const std::size_t n_g = t.sobol_groups.size(), n_out = t.n_outputs();
  if (n_g == 0) return;
  std::fprintf(out, "Sobol indices (first order, total) with 95%% half-widths\n");
  std::vector<std::vector<std::string>> rows = {{"output", "group", "first", "+-", "total", "+-"}};
  for (const auto o : outputs) {
    const std::size_t at = (s * n_out + o) * n_g;
    std::vector<std::size_t> order(n_g);
    for (std::size_t g = 0; g < n_g; ++g) order[g] = g;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return t.sobol_total[at + a] > t.sobol_total[at + b];
    });
    for (const auto g : order) {
      rows.push_back({t.output_names[o], t.sobol_groups[g], format_number(t.sobol_first[at + g]),
                      format_number(t.sobol_first_halfwidth[at + g]),
                      format_number(t.sobol_total[at + g]),
                      format_number(t.sobol_total_halfwidth[at + g])});
    }
  }
  print_rows(rows, out);
}

/// Scenario s's rank measures: per output, the inputs by decreasing |PRCC| or S1 (those undefined
/// for the scenario, e.g. fixed or not drawn, left out).
void print_rank(const io::ResultTables& t, std::size_t s, const std::vector<std::size_t>& outputs,
                std::FILE* out) {
  const std::size_t n_in = t.input_names.size(), n_out = t.n_outputs();
  if (t.rank_draws == 0) return;
  // Jobs may draw hundreds of inputs; the file keeps every one.
  constexpr std::size_t max_inputs = 8;
  std::fprintf(out,
               "rank measures from the first %llu draws: Spearman and partial rank correlation "
               "(PRCC) with 95%% intervals, and the first-order Sobol index estimated from ranks "
               "(S1 ranks); per output the %zu inputs of largest |PRCC| or S1 ranks\n",
               static_cast<unsigned long long>(t.rank_draws), max_inputs);
  std::vector<std::vector<std::string>> rows = {
      {"output", "input", "Spearman", "low", "high", "PRCC", "low", "high", "S1 ranks"}};
  for (const auto o : outputs) {
    const std::size_t at = (s * n_out + o) * n_in;
    const auto strength = [&](std::size_t i) {
      const double r = std::isnan(t.prcc[at + i]) ? t.spearman[at + i] : t.prcc[at + i];
      const double s1 = t.rank_first_order[at + i];  // catches effects no correlation shows
      return std::max(std::isnan(r) ? -1.0 : std::abs(r), std::isnan(s1) ? -1.0 : s1);
    };
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < n_in; ++i) {
      if (!std::isnan(t.spearman[at + i])) order.push_back(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return strength(a) > strength(b); });
    if (order.size() > max_inputs) order.resize(max_inputs);
    for (const auto i : order) {
      rows.push_back({t.output_names[o], t.input_names[i], format_number(t.spearman[at + i]),
                      format_number(t.spearman_low[at + i]), format_number(t.spearman_high[at + i]),
                      format_number(t.prcc[at + i]), format_number(t.prcc_low[at + i]),
                      format_number(t.prcc_high[at + i]),
                      format_number(t.rank_first_order[at + i])});
    }
  }
  print_rows(rows, out);
}

/// Scenario s's tornado: per output, the groups by decreasing swing |high - low|.
void print_tornado(const io::ResultTables& t, std::size_t s,
                   const std::vector<std::size_t>& outputs, std::FILE* out) {
  const auto& tornado = t.tornado;
  const std::size_t n_g = tornado.groups.size(), n_out = t.n_outputs();
  if (n_g == 0) return;
  std::fprintf(out, "tornado: each group at P%g and P%g, the others at their medians\n",
               100 * tornado.low_level, 100 * tornado.high_level);
  std::vector<std::vector<std::string>> rows = {
      {"output", "group", "at low", "at high", "swing", "median point"}};
  std::size_t left_out = 0;
  for (const auto o : outputs) {
    const std::size_t cell = s * n_out + o;
    const bool percent = t.output_units[o] == "fraction";
    const auto shown = [&](double x) { return format_number(percent ? 100.0 * x : x); };
    std::vector<std::size_t> order(n_g);
    for (std::size_t g = 0; g < n_g; ++g) order[g] = g;
    const auto swing = [&](std::size_t g) {
      const double d = std::abs(tornado.high[cell * n_g + g] - tornado.low[cell * n_g + g]);
      return std::isnan(d) ? -1.0 : d;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return swing(a) > swing(b); });
    for (const auto g : order) {
      // Groups that do not move this output (or that the scenario lacks) make no bar.
      if (!(swing(g) > 0)) {
        ++left_out;
        continue;
      }
      rows.push_back({t.output_names[o], tornado.groups[g], shown(tornado.low[cell * n_g + g]),
                      shown(tornado.high[cell * n_g + g]), shown(swing(g)),
                      shown(tornado.base[cell])});
    }
  }
  print_rows(rows, out);
  if (left_out > 0) {
    std::fprintf(out, "(%zu output-group pairs without swing left out; --csv lists them)\n",
                 left_out);
  }
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
    if (selection.sobol) print_sobol(t, s, selection.outputs, out);
    if (selection.rank) print_rank(t, s, selection.outputs, out);
    if (selection.tornado) print_tornado(t, s, selection.outputs, out);
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
  // The sensitivity measures of the layout, family by family (Sobol, rank, tornado): a
  // family's [S, O] rows, then per group or input its [S, O, X] rows in the table's order.
  const std::pair<io::Presence, bool> families[] = {{io::Presence::kSobol, selection.sobol},
                                                    {io::Presence::kRank, selection.rank},
                                                    {io::Presence::kTornado, selection.tornado}};
  const auto extents = io::Extents::of(t, false);
  for (const auto s : selection.scenarios) {
    for (const auto o : selection.outputs) {
      const std::size_t cell = s * t.n_outputs() + o;
      for (const auto& column : selection.columns)
        row(s, o, column, "", summary_value(t, s, o, column));
      for (const auto& [family, chosen] : families) {
        if (!chosen || !extents.has(family)) continue;
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
          // Rank measures of an input the scenario does not draw are left out.
          if (family == io::Presence::kRank && std::isnan(t.spearman[cell * names.size() + x])) {
            continue;
          }
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
