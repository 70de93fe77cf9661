#pragma once
/// The result file's layout, declared once: every dataset's path, element type, shape in named
/// dimensions, the dimension scales that label it and when it is present. The writer (parallel
/// rows, dimension scales), the reader (every dataset's presence, type and shape), merge and the
/// CSV output (through SummaryRows), and `costsweep layout` (which the README's table and the
/// Python reader are tested against) iterate this table. Adding a dataset is one row here plus
/// the code that computes it.
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "io/result.hpp"

namespace costsweep::io {

enum class Element : std::uint8_t { kFloat64, kInt64, kString };

/// A named dimension of the file's arrays.
enum class Dim : std::uint8_t {
  kScenario,      ///< S: scenario rows of this file
  kAxis,          ///< A: job keys the grid varies
  kOutput,        ///< O: model outputs
  kInput,         ///< I: every input any scenario draws
  kLevel,         ///< Q: quantile levels
  kSobolGroup,    ///< G: Sobol groups
  kTornadoGroup,  ///< G: tornado groups
  kDraw,          ///< N: draws (only /samples)
};

/// When a dataset is in a file.
enum class Presence : std::uint8_t {
  kAlways,
  kSobol,    ///< sensitivity.sobol = yes
  kRank,     ///< sensitivity.rank = yes
  kTornado,  ///< sensitivity.tornado = yes
  kSamples,  ///< job.save_samples = yes
};

struct DatasetSpec {
  std::string_view path;  ///< from the root, no leading '/': "summary/mean"
  Element element;
  std::array<Dim, 3> dim_list;
  std::uint8_t rank;  ///< how many of dim_list are its dimensions
  Presence presence = Presence::kAlways;
  /// Per-scenario rows, written by the rank that owns each row in one collective write: the
  /// SummaryRows member that holds them (one of the two; neither: written by rank 0 alone).
  std::vector<double> SummaryRows::*doubles = nullptr;
  std::vector<std::int64_t> SummaryRows::*integers = nullptr;
  /// Its name in `show --csv`'s measure column (empty: none, or by another rule).
  std::string_view csv_measure = {};
  /// Added after layout 1 was first written: an older file may lack it (read as NaN).
  bool may_be_absent = false;
  /// The ResultHeader::tornado member holding it (tornado arrays, written by rank 0).
  std::vector<double> Tornado::*tornado = nullptr;

  std::span<const Dim> dims() const { return {dim_list.data(), rank}; }
  bool is_row_data() const { return doubles != nullptr || integers != nullptr; }
  std::string_view leaf() const { return path.substr(path.rfind('/') + 1); }
};

namespace layout_detail {
using enum Element;
using enum Dim;
using enum Presence;
using R = SummaryRows;
// clang-format off
inline constexpr DatasetSpec kTable[] = {
    {"scenarios/name",          kString,  {kScenario}, 1},
    {"scenarios/axis",          kString,  {kAxis}, 1},
    {"scenarios/value_text",    kString,  {kScenario, kAxis}, 2},
    {"scenarios/value_label",   kString,  {kScenario, kAxis}, 2},
    {"scenarios/value_number",  kFloat64, {kScenario, kAxis}, 2},
    {"outputs/name",            kString,  {kOutput}, 1},
    {"outputs/unit",            kString,  {kOutput}, 1},
    {"outputs/description",     kString,  {kOutput}, 1},
    {"inputs/name",             kString,  {kInput}, 1},
    {"inputs/spec",             kString,  {kScenario, kInput}, 2},
    {"summary/count",           kInt64,   {kScenario, kOutput}, 2, kAlways, nullptr, &R::count, "count"},
    {"summary/mean",            kFloat64, {kScenario, kOutput}, 2, kAlways, &R::mean, nullptr, "mean"},
    {"summary/sd",              kFloat64, {kScenario, kOutput}, 2, kAlways, &R::sd, nullptr, "sd"},
    {"summary/se",              kFloat64, {kScenario, kOutput}, 2, kAlways, &R::se, nullptr, "se"},
    {"summary/min",             kFloat64, {kScenario, kOutput}, 2, kAlways, &R::min, nullptr, "min"},
    {"summary/max",             kFloat64, {kScenario, kOutput}, 2, kAlways, &R::max, nullptr, "max"},
    {"summary/diff_mean",       kFloat64, {kScenario, kOutput}, 2, kAlways, &R::diff_mean, nullptr, "diff_mean"},
    {"summary/diff_se",         kFloat64, {kScenario, kOutput}, 2, kAlways, &R::diff_se, nullptr, "diff_se"},
    {"summary/quantile_levels", kFloat64, {kLevel}, 1},
    {"summary/quantiles",       kFloat64, {kScenario, kOutput, kLevel}, 3, kAlways, &R::quantiles},
    {"sensitivity/sobol/group",           kString,  {kSobolGroup}, 1, kSobol},
    {"sensitivity/sobol/first",           kFloat64, {kScenario, kOutput, kSobolGroup}, 3, kSobol, &R::sobol_first, nullptr, "sobol_first"},
    {"sensitivity/sobol/first_halfwidth", kFloat64, {kScenario, kOutput, kSobolGroup}, 3, kSobol, &R::sobol_first_halfwidth, nullptr, "sobol_first_halfwidth"},
    {"sensitivity/sobol/total",           kFloat64, {kScenario, kOutput, kSobolGroup}, 3, kSobol, &R::sobol_total, nullptr, "sobol_total"},
    {"sensitivity/sobol/total_halfwidth", kFloat64, {kScenario, kOutput, kSobolGroup}, 3, kSobol, &R::sobol_total_halfwidth, nullptr, "sobol_total_halfwidth"},
    {"sensitivity/rank/spearman",      kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::spearman, nullptr, "spearman"},
    {"sensitivity/rank/spearman_low",  kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::spearman_low, nullptr, "spearman_low"},
    {"sensitivity/rank/spearman_high", kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::spearman_high, nullptr, "spearman_high"},
    {"sensitivity/rank/prcc",          kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::prcc, nullptr, "prcc"},
    {"sensitivity/rank/prcc_low",      kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::prcc_low, nullptr, "prcc_low"},
    {"sensitivity/rank/prcc_high",     kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::prcc_high, nullptr, "prcc_high"},
    {"sensitivity/rank/first_order",   kFloat64, {kScenario, kOutput, kInput}, 3, kRank, &R::rank_first_order, nullptr, "rank_first_order", true},
    {"sensitivity/tornado/group", kString,  {kTornadoGroup}, 1, kTornado},
    {"sensitivity/tornado/base",  kFloat64, {kScenario, kOutput}, 2, kTornado, nullptr, nullptr, "tornado_base", false, &Tornado::base},
    {"sensitivity/tornado/low",   kFloat64, {kScenario, kOutput, kTornadoGroup}, 3, kTornado, nullptr, nullptr, "tornado_low", false, &Tornado::low},
    {"sensitivity/tornado/high",  kFloat64, {kScenario, kOutput, kTornadoGroup}, 3, kTornado, nullptr, nullptr, "tornado_high", false, &Tornado::high},
    {"samples/outputs", kFloat64, {kScenario, kOutput, kDraw}, 3, kSamples},
    {"samples/inputs",  kFloat64, {kScenario, kInput, kDraw}, 3, kSamples},
};
// clang-format on
}  // namespace layout_detail

/// Every dataset a result file can hold, in the order of the README's table.
inline constexpr const auto& kDatasets = layout_detail::kTable;

/// The dimension's letter in the README's table ("S", "O", ...) and its scale's name ("scenario").
std::string_view dim_letter(Dim dim);
std::string_view dim_name(Dim dim);
/// The dataset that labels a dimension (an HDF5 dimension scale); empty: none (draws).
std::string_view scale_of(Dim dim);
std::string_view element_name(Element element);
/// The job key that puts a dataset in a file ("always" for kAlways).
std::string_view presence_key(Presence presence);

/// The sizes of a file's dimensions, and which optional parts it holds.
struct Extents {
  std::uint64_t scenarios = 0, axes = 0, outputs = 0, inputs = 0, levels = 0;
  std::uint64_t sobol_groups = 0, tornado_groups = 0;
  std::uint64_t draws = 0;  ///< 0 when unknown: a draw dimension of any size is accepted
  bool sobol = false, rank = false, tornado = false, samples = false;

  /// The extents of a file with this header (draws unknown, samples as given).
  static Extents of(const ResultHeader& header, bool samples);
  std::uint64_t operator[](Dim dim) const;
  bool has(Presence presence) const;
  /// The dataset's shape in this file.
  std::vector<std::uint64_t> shape(const DatasetSpec& spec) const;
};

/// A numeric dataset's values as read into tables (null: strings, scales, samples).
const std::vector<double>* float_values(const DatasetSpec& spec, const ResultTables& tables);
/// The names along a dimension (null: draws).
const std::vector<std::string>* names_along(Dim dim, const ResultTables& tables);

/// The table's row for path ("summary/mean"); throws std::out_of_range when there is none.
const DatasetSpec& dataset_spec(std::string_view path);

/// "[S, O, Q] float64": shape and type as the README's table writes them.
std::string shape_text(const DatasetSpec& spec);

}  // namespace costsweep::io
