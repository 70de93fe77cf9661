// Builds the training-cost plan from the job's tables: every check names file, row and column.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "core/distributions/distribution.hpp"
#include "core/errors/errors.hpp"
#include "core/text/text.hpp"
#include "models/training_cost.hpp"

namespace costsweep::models {
namespace {

// The published code's defaults (version A, "FINAL"; ../configs/README.md).
const std::map<std::string, std::string> kDefaultSpecs = {
    {"mfu.pretrain", "lognormal(p10=0.15, p90=0.35)"},
    {"mfu.rl", "lognormal(p10=0.01, p90=0.10)"},
    {"price", "lognormal(p10=1.50, p90=3.00)"},
    {"rl_fraction", "lognormal(p10=0.01, p90=0.10)"},
    {"sft_fraction", "lognormal(p10=0.001, p90=0.05)"}};
const std::set<std::string> kCurrencies = {"USD", "RMB", "CNY", "EUR", "GBP", "JPY", "KRW", "INR",
                                           "CAD", "CHF", "AUD", "HKD", "SGD", "TWD", "AED", "ILS"};

/// What an assumption's draws may be: utilizations in (0, 1] and fractions in [0, 1] (each with
/// a negligible tail above 1 for the lognormals the method fits), prices and quantities above 0.
models::Bounds bounds_of(const std::string& group) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  constexpr double kTail = 1e-3;
  if (group.rfind("mfu.", 0) == 0) return {0.0, 1.0, true, false, kTail};
  if (group == "rl_fraction" || group == "sft_fraction") return {0.0, 1.0, false, false, kTail};
  return {0.0, kInf, true, false};
}

std::string join(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::vector<std::string> split(const std::string& text, const std::string& separators) {
  std::vector<std::string> items;
  std::string item;
  auto flush = [&] {
    const auto first = item.find_first_not_of(" \t");
    if (first != std::string::npos)
      items.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
    item.clear();
  };
  for (const char c : text) {
    if (separators.find(c) != std::string::npos)
      flush();
    else
      item += c;
  }
  flush();
  return items;
}

std::optional<double> number(const std::string& text) { return text::parse_number(text); }

bool is_name(const std::string& text) {
  return !text.empty() && (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_') &&
         std::all_of(text.begin(), text.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
         });
}

/// Month of a YYYY-MM (or YYYY-MM-DD) date as year*12 + month, or nullopt.
std::optional<int> month_of(const std::string& text) {
  if (text.size() < 7 || text[4] != '-') return std::nullopt;
  const auto year = number(text.substr(0, 4)), month = number(text.substr(5, 2));
  if (!year || !month || *month < 1 || *month > 12) return std::nullopt;
  return static_cast<int>(*year) * 12 + static_cast<int>(*month);
}

enum class Scope { kAll, kCompany, kEntry };

class TablesBuilder {
 public:
  explicit TablesBuilder(const ModelConfig& config) : config_(config) {}
  CostTables build();

 private:
  void fail(const std::string& message) { problems_.push_back(message); }
  const Table* table(const std::string& key) const;
  bool require_columns(const Table& t, const std::vector<std::string>& names);
  Quantity value_cell(const Table& t, std::size_t row, const std::string& column,
                      const std::string& group, const std::string& label, const std::string& unit);
  int add_input(const std::string& name, const std::string& group, const std::string& spec,
                const std::string& origin, const std::string& unit);
  Quantity assumption(const std::string& group, const CostedEntry& entry, const std::string& unit);
  void read_scopes();
  void read_entries(const Table& t);
  void read_entry(const Table& t, std::size_t row, std::map<std::string, std::size_t>& rows_by_name,
                  std::vector<std::string>& bases);
  void resolve_flop(const Table& t, std::size_t row, CostedEntry& e, const std::string& flop);
  void resolve_peak(const Table& t, std::size_t row, CostedEntry& e);
  void link_bases(const Table& t, const std::vector<std::string>& bases,
                  const std::map<std::string, std::size_t>& rows_by_name);
  void order_flops(const Table& t);
  void read_companies(const Table& t);
  void read_variants();
  bool variant_excludes(const std::string& v, const CostedEntry& e, std::size_t row,
                        const Table& t);

  const ModelConfig& config_;
  std::vector<std::string> problems_;
  CostTables tables_;
  std::map<std::string, int> input_index_;
  std::map<std::string, Scope> scopes_;
  std::set<std::string> assumptions_used_;
  const Table* hardware_ = nullptr;
  const Table* entries_ = nullptr;
  bool hardware_missing_said_ = false;
};

/// A loaded table, or nullptr: unset (the study reports required ones) or unreadable (the study
/// has reported why).
const Table* TablesBuilder::table(const std::string& key) const {
  const auto it = config_.tables.find(key);
  return it == config_.tables.end() ? nullptr : &it->second;
}

bool TablesBuilder::require_columns(const Table& t, const std::vector<std::string>& names) {
  bool ok = true;
  for (const auto& name : names) {
    if (!t.column(name)) {
      fail("cannot read " + t.path + ": missing column '" + name + "' (it has: " + join(t.columns) +
           ")");
      ok = false;
    }
  }
  return ok;
}

int TablesBuilder::add_input(const std::string& name, const std::string& group,
                             const std::string& spec, const std::string& origin,
                             const std::string& unit) {
  const auto [it, added] = input_index_.emplace(name, static_cast<int>(tables_.inputs.size()));
  if (added) tables_.inputs.push_back({name, group, spec, unit, "", origin, bounds_of(group)});
  return it->second;
}

/// A number (> 0) or a distribution spec in a cell; a spec becomes an input `<group>[<label>]`.
Quantity TablesBuilder::value_cell(const Table& t, std::size_t row, const std::string& column,
                                   const std::string& group, const std::string& label,
                                   const std::string& unit) {
  const std::string text = t.cell(row, column);
  if (const auto x = number(text)) {
    if (*x <= 0)
      fail("cannot use " + column + " " + text + ": it must be positive [" + t.where(row, column) +
           "]");
    return {*x, -1};
  }
  try {
    const auto d = dist::parse(text);
    if (d->support_lower() < 0) {
      fail("cannot use " + column + " '" + text + "': the distribution reaches negative values [" +
           t.where(row, column) + "]");
    }
  } catch (const dist::SpecError& e) {
    fail(std::string(e.what()) + " [" + t.where(row, column) + "]");
    return {};
  }
  return {0.0, add_input(group + "[" + label + "]", group, text, t.where(row, column), unit)};
}

Quantity TablesBuilder::assumption(const std::string& group, const CostedEntry& entry,
                                   const std::string& unit) {
  assumptions_used_.insert(group);
  Scope scope = group == "price" || group == "mfu.pretrain" ? Scope::kCompany : Scope::kEntry;
  if (const auto it = scopes_.find(group); it != scopes_.end()) scope = it->second;
  const std::string name = scope == Scope::kAll       ? group
                           : scope == Scope::kCompany ? group + "[" + entry.company + "]"
                                                      : group + "[" + entry.name + "]";
  const auto spec = kDefaultSpecs.find(group);
  return {0.0, add_input(name, group, spec == kDefaultSpecs.end() ? "" : spec->second, "", unit)};
}

void TablesBuilder::read_scopes() {
  for (const auto& key : config_.keys_with_prefix("scope.")) {
    const std::string value = config_.text(key);
    if (value == "all")
      scopes_[key.substr(6)] = Scope::kAll;
    else if (value == "company")
      scopes_[key.substr(6)] = Scope::kCompany;
    else if (value == "entry")
      scopes_[key.substr(6)] = Scope::kEntry;
    else
      fail("cannot use scope '" + value + "': expected all, company or entry " +
           config_.where(key));
  }
}

void TablesBuilder::resolve_flop(const Table& t, std::size_t row, CostedEntry& e,
                                 const std::string& flop) {
  if (flop.empty()) {
    fail("cannot cost entry '" + e.name + "': no flop, gpu_hours or cost_usd [" +
         t.where(row, "flop") + "]");
  } else if (!number(flop) && is_name(flop)) {
    // A fraction assumption applied to the base entry's FLOP draw.
    if (t.cell(row, "base").empty()) {
      fail("cannot use flop '" + flop + "': a fraction needs the base entry it multiplies [" +
           t.where(row, "base") + "]");
    }
    e.fraction = assumption(flop, e, "1");
  } else {
    if (!t.cell(row, "base").empty()) {
      fail("cannot use base '" + t.cell(row, "base") + "': flop '" + flop +
           "' is not a fraction name, so a base has no meaning [" + t.where(row, "base") + "]");
    }
    e.flop = value_cell(t, row, "flop", "flop", e.name, "FLOP");
  }
}

void TablesBuilder::resolve_peak(const Table& t, std::size_t row, CostedEntry& e) {
  const std::string hardware = t.cell(row, "hardware"), precision = t.cell(row, "precision");
  if (precision.empty())
    return fail("cannot cost entry '" + e.name + "': no precision [" + t.where(row, "precision") +
                "]");
  if (config_.values.count("peak." + precision) != 0) {
    e.peak_flop_per_s = config_.number("peak." + precision, 0.0);  // > 0: checked in build()
    return;
  }
  if (hardware_ == nullptr) {
    // Unreadable (reported by the study) or unset (reported here, once).
    if (config_.unusable.count("hardware") != 0 || std::exchange(hardware_missing_said_, true)) {
      return;
    }
    return fail("cannot cost entry '" + e.name +
                "': model.hardware (the hardware table) is not set and there is no peak." +
                precision + " [" + t.where(row, "hardware") + "]");
  }
  std::optional<std::size_t> hw_row;
  std::vector<std::string> known;
  for (std::size_t r = 0; r < hardware_->rows.size(); ++r) {
    known.push_back(hardware_->cell(r, "name"));
    if (known.back() == hardware) hw_row = r;
  }
  if (!hw_row)
    return fail("cannot cost entry '" + e.name + "': unknown hardware '" + hardware + "' (in " +
                hardware_->path + ": " + join(known) + ") [" + t.where(row, "hardware") + "]");
  for (const auto& column :
       {precision + "_dense_flops", precision + "_dense_ops", precision + "_tensor_dense_flops"}) {
    if (!hardware_->column(column)) continue;
    const auto peak = number(hardware_->cell(*hw_row, column));
    if (!peak || *peak <= 0) {
      return fail("cannot cost entry '" + e.name + "': " + hardware + " has no " + precision +
                  " peak in " + hardware_->where(*hw_row, column) + "; set model.peak." +
                  precision + " [" + t.where(row, "precision") + "]");
    }
    e.peak_flop_per_s = *peak;
    return;
  }
  fail("cannot cost entry '" + e.name + "': unknown precision '" + precision + "' (no column " +
       precision + "_dense_flops in " + hardware_->path + ") [" + t.where(row, "precision") + "]");
}

void TablesBuilder::read_entry(const Table& t, std::size_t row,
                               std::map<std::string, std::size_t>& rows_by_name,
                               std::vector<std::string>& bases) {
  CostedEntry e;
  e.company = t.cell(row, "company");
  e.name = t.cell(row, "entry");
  if (e.company.empty()) fail("cannot read entry: no company [" + t.where(row, "company") + "]");
  if (e.name.empty()) fail("cannot read entry: no name [" + t.where(row, "entry") + "]");
  const auto [it, added] = rows_by_name.emplace(e.name, row);
  if (!added)
    fail("cannot read entry '" + e.name + "': the name is already used at row " +
         std::to_string(it->second + 1) + " [" + t.where(row, "entry") + "]");
  const std::string counted = t.cell(row, "counted");
  if (counted != "yes" && counted != "no")
    fail("cannot use counted '" + counted + "': expected yes or no [" + t.where(row, "counted") +
         "]");
  e.counted = counted != "no";
  const bool by_gpu_hours =
      config_.text("cost_basis", "flop") == "gpu_hours" && !t.cell(row, "gpu_hours").empty();
  const std::string flop = t.cell(row, "flop");
  bases.push_back(t.cell(row, "base"));
  if (!t.cell(row, "cost_usd").empty()) {
    e.basis = CostedEntry::Basis::kUsd;
    e.cost_usd = value_cell(t, row, "cost_usd", "cost_usd", e.name, "USD");
  } else {
    if (by_gpu_hours) {
      e.basis = CostedEntry::Basis::kGpuHours;
      e.gpu_hours = value_cell(t, row, "gpu_hours", "gpu_hours", e.name, "GPU-hours");
    }
    if (!by_gpu_hours || !flop.empty()) resolve_flop(t, row, e, flop);
    if (e.counted) e.price = assumption("price", e, "USD per GPU-hour");
    if (e.counted && !by_gpu_hours) {
      const std::string mfu = t.cell(row, "mfu");
      if (mfu.empty())
        fail("cannot cost entry '" + e.name + "': no MFU class [" + t.where(row, "mfu") + "]");
      else
        e.mfu = assumption("mfu." + mfu, e, "1");
      resolve_peak(t, row, e);
    }
  }
  tables_.entries.push_back(e);
}

void TablesBuilder::read_entries(const Table& t) {
  if (!require_columns(t, {"company", "entry", "counted"})) return;
  if (!t.column("flop") && !t.column("cost_usd")) {
    return fail("cannot read " + t.path +
                ": missing column 'flop' (or 'cost_usd' for entries costed in USD)");
  }
  if (t.column("flop") && !require_columns(t, {"base", "mfu", "hardware", "precision"})) return;
  std::map<std::string, std::size_t> rows_by_name;
  std::vector<std::string> bases;
  for (std::size_t row = 0; row < t.rows.size(); ++row) read_entry(t, row, rows_by_name, bases);
  if (t.rows.empty()) fail("cannot read " + t.path + ": no entries");
  link_bases(t, bases, rows_by_name);
  order_flops(t);
}

void TablesBuilder::link_bases(const Table& t, const std::vector<std::string>& bases,
                               const std::map<std::string, std::size_t>& rows_by_name) {
  for (std::size_t row = 0; row < tables_.entries.size(); ++row) {
    if (bases[row].empty() || tables_.entries[row].fraction.column < 0) continue;
    const auto it = rows_by_name.find(bases[row]);
    if (it == rows_by_name.end()) {
      fail("cannot find base entry '" + bases[row] + "' of '" + tables_.entries[row].name +
           "': no entry has that name [" + t.where(row, "base") + "]");
    } else {
      tables_.entries[row].base = static_cast<int>(it->second);
    }
  }
}

/// Orders entries so every base comes before the entries derived from it; reports cycles.
void TablesBuilder::order_flops(const Table& t) {
  const auto n = tables_.entries.size();
  enum class Mark { kNew, kOnChain, kDone };
  std::vector<Mark> mark(n, Mark::kNew);
  for (std::size_t start = 0; start < n; ++start) {
    std::vector<std::size_t> chain;  // from an entry towards its bases
    bool cycle = false;
    for (std::size_t e = start; mark[e] != Mark::kDone;) {
      if (mark[e] == Mark::kOnChain) {
        std::string cycle_text;
        for (auto it = std::find(chain.begin(), chain.end(), e); it != chain.end(); ++it) {
          cycle_text += "'" + tables_.entries[*it].name + "' -> ";
        }
        fail("cannot order entries: their bases form a cycle (" + cycle_text + "'" +
             tables_.entries[e].name + "') [" + t.where(e, "base") + "]");
        cycle = true;
        break;
      }
      mark[e] = Mark::kOnChain;
      chain.push_back(e);
      if (tables_.entries[e].base < 0) break;
      e = static_cast<std::size_t>(tables_.entries[e].base);
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      mark[*it] = Mark::kDone;
      if (!cycle) tables_.flop_order.push_back(static_cast<int>(*it));
    }
  }
}

void TablesBuilder::read_companies(const Table& t) {
  if (!require_columns(t, {"company", "rd_compute", "currency", "usd_per_unit"})) return;
  std::map<std::string, std::size_t> rows;
  for (std::size_t row = 0; row < t.rows.size(); ++row) {
    const auto [it, added] = rows.emplace(t.cell(row, "company"), row);
    if (!added) {
      fail("cannot read company '" + it->first + "': it already has a row (row " +
           std::to_string(it->second + 1) + ") [" + t.where(row, "company") + "]");
    }
  }
  std::vector<std::string> names;
  for (const auto& e : tables_.entries) {
    if (e.counted && std::find(names.begin(), names.end(), e.company) == names.end())
      names.push_back(e.company);
  }
  for (const auto& name : names) {
    const auto it = rows.find(name);
    if (it == rows.end()) {
      const auto entry = std::find_if(tables_.entries.begin(), tables_.entries.end(),
                                      [&](const CostedEntry& e) { return e.company == name; });
      fail("cannot find the R&D compute spending of company '" + name + "': no row in " + t.path +
           " [" +
           entries_->where(static_cast<std::size_t>(entry - tables_.entries.begin()), "company") +
           "]");
      continue;
    }
    const std::size_t row = it->second;
    CompanySpend company{name, {}, {1.0, -1}};
    if (t.cell(row, "rd_compute").empty()) {
      fail("cannot use company '" + name + "': no R&D compute figure [" +
           t.where(row, "rd_compute") + "]");
    } else {
      company.rd_compute = value_cell(t, row, "rd_compute", "rd_compute", name, "currency units");
    }
    const std::string currency = t.cell(row, "currency");
    if (kCurrencies.count(currency) == 0) {
      fail("cannot use currency '" + currency +
           "': unknown (known: USD, RMB, CNY, EUR, GBP, JPY, KRW, INR, CAD, CHF, AUD, HKD, SGD, "
           "TWD, AED, ILS) [" +
           t.where(row, "currency") + "]");
    } else if (currency == "USD" && !t.cell(row, "usd_per_unit").empty() &&
               number(t.cell(row, "usd_per_unit")) != 1.0) {
      fail("cannot use usd_per_unit '" + t.cell(row, "usd_per_unit") + "' for USD: it must be 1 [" +
           t.where(row, "usd_per_unit") + "]");
    } else if (currency != "USD") {
      if (t.cell(row, "usd_per_unit").empty())
        fail("cannot convert " + currency + " to USD: no usd_per_unit [" +
             t.where(row, "usd_per_unit") + "]");
      else
        company.usd_per_unit =
            value_cell(t, row, "usd_per_unit", "usd_per_unit", name, "USD per unit");
    }
    tables_.companies.push_back(company);
  }
}

/// Whether the filters under prefix (`variant.<v>.`, or `` for the whole table's) leave e out.
bool TablesBuilder::variant_excludes(const std::string& v, const CostedEntry& e, std::size_t row,
                                     const Table& t) {
  const std::string prefix = v.empty() ? "" : "variant." + v + ".";
  for (const auto& pattern : split(config_.text(prefix + "exclude"), ",")) {
    if (e.name.find(pattern) != std::string::npos) return true;
  }
  for (const auto& company : split(config_.text(prefix + "exclude_company"), ",")) {
    if (e.company == company) return true;
  }
  const std::string window = config_.text(prefix + "released");
  if (window.empty()) return false;
  const auto dots = window.find("..");
  const auto from = month_of(window.substr(0, dots)),
             to = dots == std::string::npos ? std::nullopt : month_of(window.substr(dots + 2));
  if (!from || !to) return false;  // reported once, in read_variants
  const auto month = month_of(t.cell(row, "released"));
  if (!month) {
    fail("cannot filter entry '" + e.name + "' by release: released '" + t.cell(row, "released") +
         "' is not YYYY-MM (" + (v.empty() ? "model.released" : "variant " + v) + ") [" +
         t.where(row, "released") + "]");
    return false;
  }
  return *month < *from || *month > *to;
}

void TablesBuilder::read_variants() {
  auto names = split(config_.text("variants"), ", \t");
  for (const auto& key : config_.keys_with_prefix("variant.")) {
    const auto dot = key.find('.', 8);
    const std::string v = key.substr(8, dot == std::string::npos ? std::string::npos : dot - 8);
    const std::string what = dot == std::string::npos ? "" : key.substr(dot + 1);
    if (std::find(names.begin(), names.end(), v) == names.end()) {
      fail("cannot use key model." + key + ": variant '" + v +
           "' is not listed in model.variants (" + join(names) + ") " + config_.where(key));
    } else if (what != "exclude" && what != "exclude_company" && what != "released") {
      fail("cannot use key model." + key +
           ": a variant takes exclude, exclude_company or released " + config_.where(key));
    }
  }
  // The whole table's own filters (model.exclude, ...) make the unfiltered base: variant "".
  names.insert(names.begin(), "");
  for (const auto& v : names) {
    const std::string key = v.empty() ? "released" : "variant." + v + ".released";
    const std::string window = config_.text(key);
    const auto dots = window.find("..");
    if (!window.empty() && (dots == std::string::npos || !month_of(window.substr(0, dots)) ||
                            !month_of(window.substr(dots + 2)))) {
      fail("cannot use release window '" + window + "': expected YYYY-MM..YYYY-MM " +
           config_.where(key));
    }
    // A filter that matches nothing is a typo (the variant would equal the unfiltered base).
    const std::string prefix = v.empty() ? "" : "variant." + v + ".";
    for (const auto& pattern : split(config_.text(prefix + "exclude"), ",")) {
      const bool matches = std::any_of(
          tables_.entries.begin(), tables_.entries.end(),
          [&](const CostedEntry& e) { return e.name.find(pattern) != std::string::npos; });
      if (!matches) {
        std::vector<std::string> entry_names;
        for (const auto& e : tables_.entries) {
          if (entry_names.size() == 6) {
            entry_names.push_back("... (" + std::to_string(tables_.entries.size()) + " in all)");
            break;
          }
          entry_names.push_back(e.name);
        }
        fail("cannot use model." + prefix + "exclude '" + pattern +
             "': it matches no entry name (a part of a name, e.g. " + join(entry_names) + ") " +
             config_.where(prefix + "exclude"));
      }
    }
    for (const auto& company : split(config_.text(prefix + "exclude_company"), ",")) {
      const bool matches = std::any_of(tables_.entries.begin(), tables_.entries.end(),
                                       [&](const CostedEntry& e) { return e.company == company; });
      if (!matches) {
        std::vector<std::string> companies;
        for (const auto& e : tables_.entries) {
          if (std::find(companies.begin(), companies.end(), e.company) == companies.end())
            companies.push_back(e.company);
        }
        fail("cannot use model." + prefix + "exclude_company '" + company +
             "': no entry is of that company (companies: " + join(companies) + ") " +
             config_.where(prefix + "exclude_company"));
      }
    }
    Variant variant{v, {}};
    for (std::size_t e = 0; e < tables_.entries.size(); ++e) {
      // A variant filters further what the whole table's filters leave.
      const bool by_base = !v.empty() && tables_.variants.front().excluded[e];
      variant.excluded.push_back(by_base || variant_excludes(v, tables_.entries[e], e, *entries_));
    }
    tables_.variants.push_back(variant);
  }
}

CostTables TablesBuilder::build() {
  const std::string basis = config_.text("cost_basis", "flop");
  if (basis != "flop" && basis != "gpu_hours")
    fail("cannot use cost_basis '" + basis + "': expected flop or gpu_hours " +
         config_.where("cost_basis"));
  const std::string across = config_.text("totals_across_companies", "no");
  if (across != "yes" && across != "no")
    fail("cannot use totals_across_companies '" + across + "': expected yes or no " +
         config_.where("totals_across_companies"));
  tables_.totals_across_companies = across == "yes";
  read_scopes();
  hardware_ = table("hardware");
  entries_ = table("entries");
  const Table* companies = table("companies");
  if (hardware_ != nullptr && require_columns(*hardware_, {"name"})) {
    for (const auto& message : hardware_->repeated("name")) fail(message);
  }
  for (const auto& key : config_.keys_with_prefix("peak.")) {
    if (config_.number(key, 0.0) <= 0) {
      fail("cannot use peak '" + config_.text(key) + "': a peak FLOP/s must be positive " +
           config_.where(key));
    }
  }
  // Without entries (unset or unreadable, which the study reports) there is nothing to check.
  if (entries_ == nullptr) throw ConfigError(problems_);
  read_entries(*entries_);
  if (companies != nullptr) read_companies(*companies);
  read_variants();
  for (const auto& [group, scope] : scopes_) {
    if (assumptions_used_.count(group) == 0) {
      fail("cannot use key model.scope." + group + ": no entry uses assumption '" + group +
           "' (assumptions: " +
           join(std::vector<std::string>(assumptions_used_.begin(), assumptions_used_.end())) +
           ") " + config_.where("scope." + group));
    }
  }
  if (!problems_.empty()) throw ConfigError(problems_);
  return tables_;
}

}  // namespace

CostTables build_cost_tables(const ModelConfig& config) { return TablesBuilder(config).build(); }

ModelInfo training_cost_info() {
  using K = ParameterKind;
  return {
      "training_cost",
      "final-training-run costs, company totals and shares of R&D compute (Epoch AI 2026 method)",
      {{"entries", K::kTable, "",
        "CSV of entries: company, entry, released, flop, base, mfu, hardware, precision, counted[, "
        "gpu_hours][, cost_usd]",
        false, true},
       {"companies", K::kTable, "", "CSV of companies: company, rd_compute, currency, usd_per_unit",
        false, true},
       {"hardware", K::kTable, "", "CSV of accelerators: name and <precision>_dense_flops columns",
        false, false},
       {"peak.", K::kNumber, "",
        "peak FLOP/s for every entry at this precision, overriding the hardware table (peak.fp8 = "
        "1.513e15)",
        true, false},
       {"cost_basis", K::kText, "flop",
        "flop, or gpu_hours: entries with a gpu_hours cell cost gpu_hours x price", false, false},
       {"scope.", K::kText, "",
        "draws of an assumption (mfu.<class>, price, <fraction>): all, company or entry", true,
        false},
       {"variants", K::kText, "",
        "names of filtered variants, each reported beside the unfiltered totals", false, false},
       {"variant.", K::kText, "",
        "variant.<name>.exclude (name substrings), .exclude_company, .released (YYYY-MM..YYYY-MM)",
        true, false},
       {"exclude", K::kText, "",
        "entry-name substrings left out of every total and share (e.g. Hailuo)", false, false},
       {"exclude_company", K::kText, "", "companies left out of every total", false, false},
       {"released", K::kText, "", "count only entries released in YYYY-MM..YYYY-MM", false, false},
       {"totals_across_companies", K::kText, "no", "yes adds total[all] and share[all]", false,
        false}},
      [](const ModelConfig& config) -> ModelPtr {
        return std::make_shared<TrainingCost>(build_cost_tables(config));
      }};
}

}  // namespace costsweep::models
