#include "models/training_cost.hpp"

namespace costsweep::models {
namespace {

using Column = Eigen::Ref<Eigen::ArrayXd>;

/// out *= q (a constant or an input column).
void multiply(Column out, const Quantity& q, const Eigen::Ref<const Block>& inputs) {
  if (q.column >= 0) {
    out *= inputs.col(q.column);
  } else {
    out *= q.constant;
  }
}

/// out = q.
void assign(Column out, const Quantity& q, const Eigen::Ref<const Block>& inputs) {
  if (q.column >= 0) {
    out = inputs.col(q.column);
  } else {
    out.setConstant(q.constant);
  }
}

std::string label(const std::string& name, const Variant& variant) {
  return variant.name.empty() ? name : name + "; " + variant.name;
}

}  // namespace

TrainingCost::TrainingCost(CostTables plan) : tables_(std::move(plan)) {
  for (const auto& e : tables_.entries) {
    cost_output_.push_back(e.counted ? static_cast<int>(outputs_.size()) : -1);
    if (e.counted) {
      outputs_.push_back(
          {"cost[" + e.name + "]", "USD", "final-run cost of " + e.name + " (" + e.company + ")"});
    }
  }
  for (const auto& variant : tables_.variants) add_totals_outputs(variant);
}

void TrainingCost::add_totals_outputs(const Variant& variant) {
  const std::string note = variant.name.empty() ? "" : " in variant " + variant.name;
  for (const auto& c : tables_.companies) {
    outputs_.push_back({"total[" + label(c.name, variant) + "]", "USD",
                        "sum of " + c.name + "'s counted final-run costs" + note});
    outputs_.push_back({"share[" + label(c.name, variant) + "]", "fraction",
                        c.name + "'s final-run total over its R&D compute spending" + note});
  }
  if (tables_.totals_across_companies) {
    outputs_.push_back(
        {"total[" + label("all", variant) + "]", "USD", "sum over every company" + note});
    outputs_.push_back({"share[" + label("all", variant) + "]", "fraction",
                        "total over the companies' summed R&D compute" + note});
  }
}

void TrainingCost::evaluate(const Eigen::Ref<const Block>& inputs,
                            Eigen::Ref<Block> outputs) const {
  const Eigen::Index rows = inputs.rows();
  // FLOP draws of every entry, bases before the entries that multiply them (one per block).
  Block flop(rows, static_cast<Eigen::Index>(tables_.entries.size()));
  for (const int e : tables_.flop_order) {
    const auto& entry = tables_.entries[static_cast<std::size_t>(e)];
    if (entry.base >= 0) {
      flop.col(e) = flop.col(entry.base);
      multiply(flop.col(e), entry.fraction, inputs);
    } else {
      assign(flop.col(e), entry.flop, inputs);
    }
  }
  for (std::size_t e = 0; e < tables_.entries.size(); ++e) {
    const auto& entry = tables_.entries[e];
    if (cost_output_[e] < 0) continue;
    auto cost = outputs.col(cost_output_[e]);
    switch (entry.basis) {
      case CostedEntry::Basis::kUsd:
        assign(cost, entry.cost_usd, inputs);
        break;
      case CostedEntry::Basis::kGpuHours:
        assign(cost, entry.gpu_hours, inputs);
        multiply(cost, entry.price, inputs);
        break;
      case CostedEntry::Basis::kFlop:
        // cost = FLOP x price / (peak x MFU x 3600)
        cost = flop.col(static_cast<Eigen::Index>(e)) / (entry.peak_flop_per_s * 3600.0);
        multiply(cost, entry.price, inputs);
        cost /= inputs.col(entry.mfu.column);
        break;
    }
  }
  Eigen::Index out = static_cast<Eigen::Index>(
      std::count_if(cost_output_.begin(), cost_output_.end(), [](int c) { return c >= 0; }));
  Eigen::ArrayXd rd_usd(rows), all_total(rows), all_rd(rows);
  for (const auto& variant : tables_.variants) {
    all_total.setZero();
    all_rd.setZero();
    for (const auto& company : tables_.companies) {
      auto total = outputs.col(out++);
      total.setZero();
      for (std::size_t e = 0; e < tables_.entries.size(); ++e) {
        if (cost_output_[e] >= 0 && tables_.entries[e].company == company.name &&
            !variant.excluded[e]) {
          total += outputs.col(cost_output_[e]);
        }
      }
      assign(rd_usd, company.rd_compute, inputs);
      multiply(rd_usd, company.usd_per_unit, inputs);
      outputs.col(out++) = total / rd_usd;
      all_total += total;
      all_rd += rd_usd;
    }
    if (tables_.totals_across_companies) {
      outputs.col(out++) = all_total;
      outputs.col(out++) = all_total / all_rd;
    }
  }
}

}  // namespace costsweep::models
