#include "io/layout.hpp"

#include <iterator>
#include <stdexcept>

namespace costsweep::io {

namespace {

/// Letter, scale name and scale dataset of each Dim, in the enum's order.
struct DimInfo {
  std::string_view letter, name, scale;
};
constexpr DimInfo kDims[] = {
    {"S", "scenario", "scenarios/name"},
    {"A", "axis", "scenarios/axis"},
    {"O", "output", "outputs/name"},
    {"I", "input", "inputs/name"},
    {"Q", "quantile level", "summary/quantile_levels"},
    {"G", "Sobol group", "sensitivity/sobol/group"},
    {"G", "tornado group", "sensitivity/tornado/group"},
    {"N", "draw", ""},
};
static_assert(std::size(kDims) == static_cast<std::size_t>(Dim::kDraw) + 1);

const DimInfo& info(Dim dim) { return kDims[static_cast<std::size_t>(dim)]; }

}  // namespace

std::string_view dim_letter(Dim dim) { return info(dim).letter; }
std::string_view dim_name(Dim dim) { return info(dim).name; }
std::string_view scale_of(Dim dim) { return info(dim).scale; }

std::string_view element_name(Element element) {
  switch (element) {
    case Element::kFloat64:
      return "float64";
    case Element::kInt64:
      return "int64";
    case Element::kString:
      return "string";
  }
  return "?";
}

Extents Extents::of(const ResultHeader& h, bool samples) {
  Extents e;
  e.scenarios = h.n_scenarios();
  e.axes = h.axis_keys.size();
  e.outputs = h.n_outputs();
  e.inputs = h.input_names.size();
  e.levels = h.quantile_levels.size();
  e.sobol_groups = h.sobol_groups.size();
  e.tornado_groups = h.tornado.groups.size();
  e.sobol = !h.sobol_groups.empty();
  e.rank = h.rank_draws > 0;
  e.tornado = !h.tornado.groups.empty();
  e.samples = samples;
  return e;
}

std::uint64_t Extents::operator[](Dim dim) const {
  switch (dim) {
    case Dim::kScenario:
      return scenarios;
    case Dim::kAxis:
      return axes;
    case Dim::kOutput:
      return outputs;
    case Dim::kInput:
      return inputs;
    case Dim::kLevel:
      return levels;
    case Dim::kSobolGroup:
      return sobol_groups;
    case Dim::kTornadoGroup:
      return tornado_groups;
    case Dim::kDraw:
      return draws;
  }
  return 0;
}

std::string_view presence_key(Presence presence) {
  switch (presence) {
    case Presence::kAlways:
      return "always";
    case Presence::kSobol:
      return "sensitivity.sobol";
    case Presence::kRank:
      return "sensitivity.rank";
    case Presence::kTornado:
      return "sensitivity.tornado";
    case Presence::kSamples:
      return "job.save_samples";
  }
  return "?";
}

bool Extents::has(Presence presence) const {
  switch (presence) {
    case Presence::kAlways:
      return true;
    case Presence::kSobol:
      return sobol;
    case Presence::kRank:
      return rank;
    case Presence::kTornado:
      return tornado;
    case Presence::kSamples:
      return samples;
  }
  return false;
}

std::vector<std::uint64_t> Extents::shape(const DatasetSpec& spec) const {
  std::vector<std::uint64_t> sizes;
  for (const Dim dim : spec.dims()) sizes.push_back((*this)[dim]);
  return sizes;
}

const std::vector<double>* float_values(const DatasetSpec& spec, const ResultTables& tables) {
  if (spec.doubles != nullptr) return &(tables.*spec.doubles);
  if (spec.tornado != nullptr) return &(tables.tornado.*spec.tornado);
  return nullptr;
}

const std::vector<std::string>* names_along(Dim dim, const ResultTables& t) {
  switch (dim) {
    case Dim::kScenario:
      return &t.scenario_names;
    case Dim::kAxis:
      return &t.axis_keys;
    case Dim::kOutput:
      return &t.output_names;
    case Dim::kInput:
      return &t.input_names;
    case Dim::kSobolGroup:
      return &t.sobol_groups;
    case Dim::kTornadoGroup:
      return &t.tornado.groups;
    case Dim::kLevel:
    case Dim::kDraw:
      return nullptr;
  }
  return nullptr;
}

const DatasetSpec& dataset_spec(std::string_view path) {
  for (const auto& spec : kDatasets) {
    if (spec.path == path) return spec;
  }
  throw std::out_of_range("no dataset '" + std::string(path) + "' in the result layout");
}

std::string shape_text(const DatasetSpec& spec) {
  std::string text = "[";
  for (std::size_t d = 0; d < spec.rank; ++d) {
    text += (d == 0 ? "" : ", ") + std::string(dim_letter(spec.dim_list[d]));
  }
  return text + "] " + std::string(element_name(spec.element));
}

}  // namespace costsweep::io
