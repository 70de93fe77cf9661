#include "cli/show_tables.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace costsweep::cli {

std::string format_number(double x) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", x);
  return text;
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

namespace {

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

/// Rank measures of an input the scenario does not draw are left out.
bool rank_leaves_out(const io::ResultTables& t, std::size_t cell, std::size_t x) {
  return std::isnan(t.spearman[cell * t.input_names.size() + x]);
}

}  // namespace

std::span<const ShowTable> show_tables() {
  static constexpr std::array<ShowTable, 3> tables = {{
      {"sobol", io::Presence::kSobol, &print_sobol, nullptr},
      {"rank", io::Presence::kRank, &print_rank, &rank_leaves_out},
      {"tornado", io::Presence::kTornado, &print_tornado, nullptr},
  }};
  return tables;
}

}  // namespace costsweep::cli
