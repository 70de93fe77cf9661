#pragma once
/// Final-training-run costs and their share of R&D compute spending (Epoch AI 2026's method):
/// cost = FLOP x price / (peak x MFU x 3600), summed per company over its counted entries and
/// divided by its R&D compute spending in USD, for the whole table and for filtered variants.
#include <string>
#include <vector>

#include "models/model.hpp"

namespace costsweep::models {

/// A per-draw quantity: a constant, or the input column that holds its draws.
struct Quantity {
  double constant = 0.0;
  int column = -1;
};

/// One row of the entries table, resolved.
struct CostedEntry {
  enum class Basis { kFlop, kGpuHours, kUsd };
  std::string company;
  std::string name;
  bool counted = true;
  Basis basis = Basis::kFlop;
  Quantity flop;      ///< when not derived
  int base = -1;      ///< entry whose FLOP draw this one's FLOP multiplies, or -1
  Quantity fraction;  ///< the multiplier when derived
  Quantity mfu;
  Quantity price;  ///< USD per GPU-hour
  double peak_flop_per_s = 0.0;
  Quantity gpu_hours;
  Quantity cost_usd;
};

/// A company with counted entries, and the USD value of its R&D compute spending.
struct CompanySpend {
  std::string name;
  Quantity rd_compute;    ///< in its currency
  Quantity usd_per_unit;  ///< conversion to USD
};

/// A filtered view: which entries its totals leave out.
struct Variant {
  std::string name;  ///< empty for the unfiltered base
  std::vector<bool> excluded;
};

/// Everything the model needs, built from the job's tables and settings.
struct CostTables {
  std::vector<InputSpec> inputs;
  std::vector<CostedEntry> entries;  ///< table order
  std::vector<int> flop_order;       ///< entries in an order where every base precedes its users
  std::vector<CompanySpend> companies;
  std::vector<Variant> variants;  ///< variants[0] is the unfiltered base
  bool totals_across_companies = false;
};

class TrainingCost final : public Model {
 public:
  explicit TrainingCost(CostTables plan);

  const std::string& name() const override { return name_; }
  const std::vector<InputSpec>& inputs() const override { return tables_.inputs; }
  const std::vector<OutputSpec>& outputs() const override { return outputs_; }
  void evaluate(const Eigen::Ref<const Block>& inputs, Eigen::Ref<Block> outputs) const override;

 private:
  void add_totals_outputs(const Variant& variant);

  std::string name_ = "training_cost";
  CostTables tables_;
  std::vector<OutputSpec> outputs_;
  std::vector<int> cost_output_;  ///< per entry: its cost column, or -1 when not counted
};

/// Builds the plan from the job's [model] settings and tables. Throws ConfigError listing every
/// problem, each naming file, row and column (or key).
CostTables build_cost_tables(const ModelConfig& config);

/// The registry entry: parameters and factory.
ModelInfo training_cost_info();

}  // namespace costsweep::models
